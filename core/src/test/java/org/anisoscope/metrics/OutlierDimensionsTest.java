package org.anisoscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OutlierDimensionsTest {
  private final OutlierDimensions metric = new OutlierDimensions();

  /**
   * d = 32 dimensions with means near 0 and one (dim 7) with mean 50. The outlier itself inflates the population
   * std of the means to ≈ 50·√31/32 ≈ 8.7, its own deviation is ≈ 50·31/32 ≈ 48 (5.6 std), the others' ≈ 1.6
   * (0.18 std): exactly one is counted. (With a single outlier the ratio is √(d − 1), so d must exceed 10.)
   */
  @Test
  void plantedOutlierDimensionIsCountedOnce() {
    int n = 1000;
    int d = 32;
    float[] x = TestVectors.gaussian(n, d, 13);
    for (int i = 0; i < n; i++) {
      x[i * d + 7] += 50;
    }
    assertEquals(1.0, metric.value(HookVectors.of(x, n, d)));
  }

  /** Means evenly spread over [−1, 1]: the largest deviation is √3 population std, below 3. */
  @Test
  void evenlySpreadMeansHaveNoOutlier() {
    int d = 16;
    double[] row = new double[d];
    for (int j = 0; j < d; j++) {
      row[j] = -1 + 2.0 * j / (d - 1);
    }
    assertEquals(0.0, metric.value(TestVectors.rows(new double[][] {row, row})));
  }

  @Test
  void equalMeansHaveNoOutlier() {
    assertEquals(0.0, metric.value(TestVectors.rows(new double[][] {{2, 2, 2, 2}, {1, 1, 1, 1}})));
  }
}
