package org.anisoscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MeanPairwiseCosineTest {
  private final MeanPairwiseCosine metric = new MeanPairwiseCosine();

  @Test
  void identicalVectorsHaveMeanCosineOne() {
    double[] x = {0.3, -1.2, 2.5, 0.7};
    assertEquals(1.0, metric.value(TestVectors.rows(new double[][] {x, x, x, x, x})), 1e-12);
  }

  @Test
  void orthonormalVectorsHaveMeanCosineZero() {
    int d = 6;
    double[][] m = new double[d][];
    for (int i = 0; i < d; i++) {
      m[i] = TestVectors.e(i, d);
    }
    assertEquals(0.0, metric.value(TestVectors.rows(m)), 1e-12);
  }

  @Test
  void linearFormulaEqualsBruteForcePairLoop() {
    int n = 300;
    int d = 20;
    float[] x = TestVectors.gaussian(n, d, 7);
    for (int i = 0; i < n; i++) {
      x[i * d] += 1.5f; // an offset, so the answer is far from 0
    }
    HookVectors v = TestVectors.of(x, n, d);
    assertEquals(TestVectors.bruteForceCosMean(v), metric.value(v), 1e-12);
  }

  /**
   * x_i = a·e_0 + e_{i+1}: ‖x_i‖² = a² + 1 and, for i ≠ j, x_i·x_j = a² (the orthonormal parts are orthogonal to
   * each other and to e_0), so every pair has cosine a²/(a² + 1).
   */
  @Test
  void commonOffsetGivesAnalyticCosine() {
    for (double a : new double[] {0.5, 1, 3}) {
      assertEquals(a * a / (a * a + 1), metric.value(TestVectors.offsetPlusOrthonormal(50, a)), 1e-12, "a=" + a);
    }
  }

  /**
   * For i.i.d. isotropic Gaussian rows Σ u_i is approximately N(0, (N/d)·I), so ‖Σ u_i‖² ≈ (N/d)·χ²_d has mean N
   * and standard deviation N·√(2/d): cos_mean has mean 0 and standard deviation √(2/d)/N. Five of those bound it.
   */
  @Test
  void isotropicGaussianCloudHasMeanCosineNearZero() {
    int n = 4000;
    int d = 64;
    double value = metric.value(TestVectors.of(TestVectors.gaussian(n, d, 11), n, d));
    assertTrue(Math.abs(value) < 5 * Math.sqrt(2.0 / d) / n, "cos_mean " + value);
  }

  /** Policy: a zero row has no direction, so it is skipped, and N counts only the non-zero rows. */
  @Test
  void zeroRowsAreSkipped() {
    double[] a = {1, 0, 0};
    double[] b = {1, 1, 0};
    double[] zero = {0, 0, 0};
    double without = metric.value(TestVectors.rows(new double[][] {a, b}));
    assertEquals(Math.sqrt(0.5), without, 1e-12);
    assertEquals(without, metric.value(TestVectors.rows(new double[][] {zero, a, zero, b, zero})), 1e-15);
  }

  @Test
  void fewerThanTwoNonZeroRowsIsNaN() {
    assertTrue(Double.isNaN(metric.value(TestVectors.rows(new double[][] {{1, 2}}))));
    assertTrue(Double.isNaN(metric.value(TestVectors.rows(new double[][] {{1, 2}, {0, 0}}))));
    assertTrue(Double.isNaN(metric.value(HookVectors.of(new float[0], 0, 3))));
  }
}
