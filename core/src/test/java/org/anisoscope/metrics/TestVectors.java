package org.anisoscope.metrics;

import java.util.SplittableRandom;

/** Builders of probe vectors with known answers. */
final class TestVectors {
  private TestVectors() {}

  /** {@code n} rows of i.i.d. N(0, 1) entries. */
  static float[] gaussian(int n, int d, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  static HookVectors of(float[] x, int n, int d) {
    return HookVectors.of(x, n, d);
  }

  /** Rows from a row-major double matrix. */
  static HookVectors rows(double[][] m) {
    int n = m.length;
    int d = m[0].length;
    float[] x = new float[n * d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x[i * d + j] = (float) m[i][j];
      }
    }
    return HookVectors.of(x, n, d);
  }

  /** The unit vector e_k in d dimensions. */
  static double[] e(int k, int d) {
    double[] v = new double[d];
    v[k] = 1;
    return v;
  }

  /** {@code a}·e_0 + e_{i+1} for i = 0..n−1, in d = n + 1 dimensions (common offset, orthonormal parts). */
  static HookVectors offsetPlusOrthonormal(int n, double a) {
    double[][] m = new double[n][n + 1];
    for (int i = 0; i < n; i++) {
      m[i][0] = a;
      m[i][i + 1] = 1;
    }
    return rows(m);
  }

  /** Brute-force mean cosine over distinct pairs of non-zero rows. */
  static double bruteForceCosMean(HookVectors v) {
    double sum = 0;
    long pairs = 0;
    for (int i = 0; i < v.n(); i++) {
      for (int j = i + 1; j < v.n(); j++) {
        double dot = 0;
        double ni = 0;
        double nj = 0;
        for (int k = 0; k < v.d(); k++) {
          dot += (double) v.get(i, k) * v.get(j, k);
          ni += (double) v.get(i, k) * v.get(i, k);
          nj += (double) v.get(j, k) * v.get(j, k);
        }
        if (ni > 0 && nj > 0) {
          sum += dot / Math.sqrt(ni * nj);
          pairs++;
        }
      }
    }
    return sum / pairs;
  }

  /** Multiplies every row by a seeded random orthogonal matrix (Gram–Schmidt of a Gaussian matrix). */
  static HookVectors rotate(HookVectors v, long seed) {
    int d = v.d();
    SplittableRandom r = new SplittableRandom(seed);
    double[][] q = new double[d][d];
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < d; b++) {
        q[a][b] = r.nextGaussian();
      }
      for (int c = 0; c < a; c++) {
        double dot = 0;
        for (int b = 0; b < d; b++) {
          dot += q[a][b] * q[c][b];
        }
        for (int b = 0; b < d; b++) {
          q[a][b] -= dot * q[c][b];
        }
      }
      double norm = 0;
      for (int b = 0; b < d; b++) {
        norm += q[a][b] * q[a][b];
      }
      for (int b = 0; b < d; b++) {
        q[a][b] /= Math.sqrt(norm);
      }
    }
    float[] out = new float[v.n() * d];
    for (int i = 0; i < v.n(); i++) {
      for (int b = 0; b < d; b++) {
        double s = 0;
        for (int a = 0; a < d; a++) {
          s += v.get(i, a) * q[a][b];
        }
        out[i * d + b] = (float) s;
      }
    }
    return new HookVectors(out, v.n(), d, v.sequenceIds().clone());
  }

  /** Each row of {@code v} repeated {@code times} times (rows stay in one sequence). */
  static HookVectors repeat(HookVectors v, int times) {
    int n = v.n() * times;
    float[] out = new float[n * v.d()];
    for (int t = 0; t < times; t++) {
      System.arraycopy(v.data(), 0, out, t * v.data().length, v.data().length);
    }
    return HookVectors.of(out, n, v.d());
  }
}
