package org.anisoscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The shared GEMM + eigen-solver path ({@link SecondMoments}) and {@code pc1_share}. */
class SpectralMetricsTest {
  /** More rows than one block (4096), so the partial last block is exercised too. */
  @Test
  void centredScatterEqualsBruteForce() {
    int n = 5000;
    int d = 7;
    float[] x = TestVectors.gaussian(n, d, 21);
    for (int i = 0; i < n; i++) {
      x[i * d + 2] += 10;
    }
    HookVectors v = HookVectors.of(x, n, d);
    SecondMoments.clearCache();
    SecondMoments m = SecondMoments.of(v);
    double[] mean = ColumnMeans.of(v);
    INDArray c = m.centredScatter();
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < d; b++) {
        double s = 0;
        for (int i = 0; i < n; i++) {
          s += (x[i * d + a] - mean[a]) * (x[i * d + b] - mean[b]);
        }
        assertEquals(s, c.getDouble(a, b), 1e-9 * n, "C[" + a + "," + b + "]");
      }
    }
  }

  @Test
  void cacheIsKeyedOnContentNotOnlyIdentity() {
    float[] x = {1, 0, 0, 1, 1, 1};
    HookVectors v = HookVectors.of(x, 3, 2);
    SecondMoments first = SecondMoments.of(v);
    assertTrue(first == SecondMoments.of(v));
    x[0] = 5; // a caller refilling its buffer
    assertTrue(first != SecondMoments.of(v));
  }

  @Test
  void pointsOnOneLineHavePc1ShareOne() {
    double[] w = {1, -2, 0.5};
    double[][] m = new double[6][];
    for (int i = 0; i < m.length; i++) {
      double t = i - 2.5;
      m[i] = new double[] {t * w[0], t * w[1], t * w[2]};
    }
    assertEquals(1.0, new DominantDirectionShare().value(TestVectors.rows(m)), 1e-12);
  }

  @Test
  void orthonormalBasisHasPc1ShareOneOverD() {
    int d = 5;
    double[][] m = new double[d][];
    for (int i = 0; i < d; i++) {
      m[i] = TestVectors.e(i, d);
    }
    assertEquals(1.0 / d, new DominantDirectionShare().value(TestVectors.rows(m)), 1e-12);
  }

  /** Rows (±3, 0) and (0, ±1): XᵀX = diag(18, 2), share 18/20, uncentred (the mean is 0 anyway). */
  @Test
  void pc1ShareOfAHandWorkedMatrix() {
    HookVectors v = TestVectors.rows(new double[][] {{3, 0}, {-3, 0}, {0, 1}, {0, -1}});
    assertEquals(0.9, new DominantDirectionShare().value(v), 1e-12);
  }

  /** Uncentred: identical rows are all along one direction, share 1 (the centred matrix would be zero). */
  @Test
  void pc1ShareIsUncentred() {
    assertEquals(1.0, new DominantDirectionShare().value(TestVectors.rows(new double[][] {{1, 2}, {1, 2}})), 1e-12);
  }
}
