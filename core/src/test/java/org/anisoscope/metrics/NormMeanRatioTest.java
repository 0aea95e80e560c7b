package org.anisoscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NormMeanRatioTest {
  private final NormMeanRatio metric = new NormMeanRatio();

  @Test
  void identicalVectorsGiveOne() {
    double[] x = {3, -4};
    assertEquals(1.0, metric.value(TestVectors.rows(new double[][] {x, x, x})), 1e-12);
  }

  @Test
  void antipodalVectorsGiveZero() {
    assertEquals(0.0, metric.value(TestVectors.rows(new double[][] {{1, 2}, {-1, -2}})), 1e-12);
  }

  /**
   * x_i = a·e_0 + e_{i+1}: the mean is a·e_0 + (1/N)Σ e_{k+1}, of squared norm a² + N/N² = a² + 1/N; every row has
   * norm √(a² + 1). The ratio is √(a² + 1/N) / √(a² + 1).
   */
  @Test
  void commonOffsetGivesAnalyticRatio() {
    int n = 25;
    double a = 2;
    assertEquals(Math.sqrt(a * a + 1.0 / n) / Math.sqrt(a * a + 1),
        metric.value(TestVectors.offsetPlusOrthonormal(n, a)), 1e-12);
  }

  @Test
  void allZeroIsNaN() {
    assertTrue(Double.isNaN(metric.value(TestVectors.rows(new double[][] {{0, 0}, {0, 0}}))));
  }
}
