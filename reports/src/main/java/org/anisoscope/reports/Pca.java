package org.anisoscope.reports;

import com.google.common.base.Preconditions;

import java.util.SplittableRandom;

/**
 * The cone's geometry in plain Java (the reports use no ND4J): the top two principal directions of a set of
 * vectors and the histogram of their pairwise cosines.
 *
 * <p>The PCA is <em>uncentred</em> on the unit-normalised vectors: the eigenvectors of the second-moment matrix
 * {@code M = (1/N) Σ uᵢuᵢᵀ}, {@code uᵢ = xᵢ/‖xᵢ‖}. Centring would subtract the common direction that anisotropy is
 * about; uncentred, a cone shows as a cloud far from the origin along the first axis, an isotropic set as a
 * cloud around the origin. {@code M} is {@code d × d} (fine for d ≤ a few thousand); its top two eigenvectors come
 * from orthogonal (subspace) iteration with a final Rayleigh–Ritz rotation.
 */
final class Pca {
  /** Most iterations of the subspace iteration; a near-degenerate (isotropic) spectrum may need them all. */
  static final int MAX_ITERATIONS = 1000;

  private Pca() {}

  /** The top-2 result: unit axes {@code [2][d]} and each axis's share of {@code trace M} (= 1 for unit rows). */
  record Result(double[][] axes, double[] share) {}

  /** Row {@code i} of {@code [n, d]} {@code x} scaled to unit length (a zero row stays zero). */
  static double[] unitRow(float[] x, int d, int i) {
    double[] u = new double[d];
    double s = 0;
    for (int j = 0; j < d; j++) {
      u[j] = x[i * d + j];
      s += u[j] * u[j];
    }
    double inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (int j = 0; j < d; j++) {
      u[j] *= inv;
    }
    return u;
  }

  /** {@code (1/n) Σ uᵢuᵢᵀ} of the unit-normalised rows of {@code [n, d]} {@code x}. */
  static double[][] secondMoment(float[] x, int n, int d) {
    Preconditions.checkArgument(n >= 1 && x.length == n * d, "x has %s values, [%s, %s] needs %s", x.length, n, d,
        n * d);
    double[][] m = new double[d][d];
    for (int i = 0; i < n; i++) {
      double[] u = unitRow(x, d, i);
      for (int a = 0; a < d; a++) {
        double ua = u[a];
        if (ua == 0) {
          continue;
        }
        double[] row = m[a];
        for (int b = a; b < d; b++) {
          row[b] += ua * u[b];
        }
      }
    }
    for (int a = 0; a < d; a++) {
      for (int b = a; b < d; b++) {
        m[a][b] /= n;
        m[b][a] = m[a][b];
      }
    }
    return m;
  }

  /** The top two eigenvectors of the symmetric positive semi-definite {@code m} (d ≥ 2), largest first. */
  static Result top2(double[][] m) {
    int d = m.length;
    Preconditions.checkArgument(d >= 2, "need d >= 2 for two axes, got %s", d);
    SplittableRandom r = new SplittableRandom(17);
    double[][] q = new double[2][d];
    for (double[] v : q) {
      for (int j = 0; j < d; j++) {
        v[j] = r.nextDouble() - 0.5;
      }
    }
    orthonormalise(q);
    for (int it = 0; it < MAX_ITERATIONS; it++) {
      double[][] z = {times(m, q[0]), times(m, q[1])};
      orthonormalise(z);
      double change = Math.max(distance(z[0], q[0]), distance(z[1], q[1]));
      q = z;
      if (change < 1e-12) {
        break;
      }
    }
    // Rayleigh–Ritz: the 2 × 2 matrix T = QᵀMQ, diagonalised by a rotation, gives the best pair in span(Q).
    double[] m0 = times(m, q[0]);
    double[] m1 = times(m, q[1]);
    double t00 = dot(q[0], m0);
    double t01 = dot(q[0], m1);
    double t11 = dot(q[1], m1);
    double theta = 0.5 * Math.atan2(2 * t01, t00 - t11);
    double c = Math.cos(theta);
    double s = Math.sin(theta);
    double[] a0 = new double[d];
    double[] a1 = new double[d];
    for (int j = 0; j < d; j++) {
      a0[j] = c * q[0][j] + s * q[1][j];
      a1[j] = -s * q[0][j] + c * q[1][j];
    }
    double l0 = dot(a0, times(m, a0));
    double l1 = dot(a1, times(m, a1));
    if (l1 > l0) {
      double[] t = a0;
      a0 = a1;
      a1 = t;
      double tl = l0;
      l0 = l1;
      l1 = tl;
    }
    double trace = 0;
    for (int j = 0; j < d; j++) {
      trace += m[j][j];
    }
    return new Result(new double[][] {a0, a1}, new double[] {trace > 0 ? l0 / trace : 0, trace > 0 ? l1 / trace : 0});
  }

  /**
   * The unit-normalised rows of {@code x} projected on {@code axes}: {@code [2][n]}. Each axis is flipped so the
   * mean projection is not negative (an eigenvector's sign is arbitrary; this keeps the cone on the right).
   */
  static double[][] project(float[] x, int n, int d, double[][] axes) {
    double[][] p = new double[axes.length][n];
    for (int i = 0; i < n; i++) {
      double[] u = unitRow(x, d, i);
      for (int a = 0; a < axes.length; a++) {
        p[a][i] = dot(u, axes[a]);
      }
    }
    for (double[] col : p) {
      double mean = 0;
      for (double v : col) {
        mean += v;
      }
      if (mean < 0) {
        for (int i = 0; i < col.length; i++) {
          col[i] = -col[i];
        }
      }
    }
    return p;
  }

  /**
   * Counts of the cosines of all distinct pairs of rows of {@code [n, d]} {@code x} in {@code bins} equal bins over
   * [−1, 1] (a cosine of exactly 1 goes in the last bin); zero rows are left out.
   */
  static long[] pairwiseCosineHistogram(float[] x, int n, int d, int bins) {
    double[][] u = new double[n][];
    for (int i = 0; i < n; i++) {
      u[i] = unitRow(x, d, i);
    }
    long[] counts = new long[bins];
    for (int i = 0; i < n; i++) {
      if (isZero(u[i])) {
        continue;
      }
      for (int j = i + 1; j < n; j++) {
        if (isZero(u[j])) {
          continue;
        }
        double c = Math.max(-1, Math.min(1, dot(u[i], u[j])));
        counts[Math.min(bins - 1, (int) ((c + 1) / 2 * bins))]++;
      }
    }
    return counts;
  }

  private static boolean isZero(double[] v) {
    for (double x : v) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  /** ‖a − b‖ or ‖a + b‖, whichever is smaller: the distance between two directions. */
  private static double distance(double[] a, double[] b) {
    double minus = 0;
    double plus = 0;
    for (int i = 0; i < a.length; i++) {
      minus += (a[i] - b[i]) * (a[i] - b[i]);
      plus += (a[i] + b[i]) * (a[i] + b[i]);
    }
    return Math.sqrt(Math.min(minus, plus));
  }

  private static double[] times(double[][] m, double[] v) {
    double[] out = new double[m.length];
    for (int a = 0; a < m.length; a++) {
      out[a] = dot(m[a], v);
    }
    return out;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** Gram–Schmidt on the rows of {@code q} (a dependent row is replaced by a unit vector orthogonal to the rest). */
  private static void orthonormalise(double[][] q) {
    for (int k = 0; k < q.length; k++) {
      for (int p = 0; p < k; p++) {
        double c = dot(q[k], q[p]);
        for (int j = 0; j < q[k].length; j++) {
          q[k][j] -= c * q[p][j];
        }
      }
      double norm = Math.sqrt(dot(q[k], q[k]));
      if (norm < 1e-300) {
        java.util.Arrays.fill(q[k], 0);
        q[k][k % q[k].length] = 1;   // rank-deficient m: any direction orthogonal to the others will do
        for (int p = 0; p < k; p++) {
          double c = dot(q[k], q[p]);
          for (int j = 0; j < q[k].length; j++) {
            q[k][j] -= c * q[p][j];
          }
        }
        norm = Math.sqrt(dot(q[k], q[k]));
      }
      for (int j = 0; j < q[k].length; j++) {
        q[k][j] /= norm;
      }
    }
  }
}
