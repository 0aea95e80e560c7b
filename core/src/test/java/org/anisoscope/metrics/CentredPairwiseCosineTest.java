package org.anisoscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CentredPairwiseCosineTest {
  private final CentredPairwiseCosine metric = new CentredPairwiseCosine();

  /**
   * x_i = a·e_0 + e_{i+1}: centring removes a·e_0 and leaves c_i = e_{i+1} − (1/N)Σ_k e_{k+1}, so
   * c_i·c_j = δ_ij − 1/N and ‖c_i‖² = 1 − 1/N: every pair has cosine (−1/N)/(1 − 1/N) = −1/(N − 1), whatever a.
   */
  @Test
  void commonOffsetIsRemoved() {
    int n = 40;
    assertEquals(-1.0 / (n - 1), metric.value(TestVectors.offsetPlusOrthonormal(n, 3.0)), 1e-9);
  }

  @Test
  void equalsCosMeanOfExplicitlyCentredRows() {
    int n = 200;
    int d = 8;
    float[] x = TestVectors.gaussian(n, d, 5);
    double[] mean = new double[d];
    for (int i = 0; i < n; i++) {
      x[i * d + 1] += 2; // offset
      for (int j = 0; j < d; j++) {
        mean[j] += x[i * d + j] / (double) n;
      }
    }
    double[][] centred = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        centred[i][j] = x[i * d + j] - mean[j];
      }
    }
    // the explicitly centred rows are rounded to float, hence the tolerance
    assertEquals(TestVectors.bruteForceCosMean(TestVectors.rows(centred)),
        metric.value(HookVectors.of(x, n, d)), 1e-6);
  }

  @Test
  void allRowsEqualIsNaN() {
    assertTrue(Double.isNaN(metric.value(TestVectors.rows(new double[][] {{1, 2}, {1, 2}, {1, 2}}))));
  }
}
