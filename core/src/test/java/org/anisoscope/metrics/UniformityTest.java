package org.anisoscope.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UniformityTest {
  private final Uniformity metric = new Uniformity();

  @Test
  void identicalDirectionsGiveZero() {
    assertEquals(0.0, metric.value(TestVectors.rows(new double[][] {{1, 2}, {2, 4}, {0.5, 1}})), 1e-12);
  }

  /** ‖u_i − u_j‖² = 2 for orthonormal rows: log e^{−4} = −4. */
  @Test
  void orthonormalRowsGiveMinusFour() {
    int d = 5;
    double[][] m = new double[d][];
    for (int i = 0; i < d; i++) {
      m[i] = TestVectors.e(i, d);
    }
    assertEquals(-4.0, metric.value(TestVectors.rows(m)), 1e-12);
  }

  /** ‖u − (−u)‖² = 4: log e^{−8} = −8. Zero rows are skipped. */
  @Test
  void antipodalPairGivesMinusEightAndZeroRowsAreSkipped() {
    assertEquals(-8.0, metric.value(TestVectors.rows(new double[][] {{0, 3}, {0, 0}, {0, -1}})), 1e-12);
  }

  /**
   * Above the cap the value comes from a seeded subset of 2048 rows: reproducible, and close to the exact value
   * over all pairs (each kernel value lies in [e^{−8}, 1]; 2 million of the 3 million pairs average out the subset's noise).
   */
  @Test
  void cappedSubsetIsDeterministicAndCloseToAllPairs() {
    int n = 2500;
    int d = 4;
    HookVectors v = HookVectors.of(TestVectors.gaussian(n, d, 41), n, d);
    double value = metric.value(v);
    assertEquals(value, metric.value(v));
    double sum = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double dot = 0;
        double ni = 0;
        double nj = 0;
        for (int k = 0; k < d; k++) {
          dot += (double) v.get(i, k) * v.get(j, k);
          ni += (double) v.get(i, k) * v.get(i, k);
          nj += (double) v.get(j, k) * v.get(j, k);
        }
        sum += Math.exp(-4 + 4 * dot / Math.sqrt(ni * nj));
      }
    }
    double exact = Math.log(sum / (n * (n - 1.0) / 2));
    assertEquals(exact, value, 0.02);
  }

  /**
   * The blocked pairs (several blocks of {@link Uniformity#BLOCK_ROWS}, a short last one, summed per row on all
   * cores) give the value of the plain definition: every pair i < j of unit vectors, in double.
   */
  @Test
  void blockedPairsEqualThePlainSumOverAllPairs() {
    int n = 2 * Uniformity.BLOCK_ROWS + 37;
    int d = 7;
    float[] x = TestVectors.gaussian(n, d, 43);
    for (int i = 0; i < n; i++) {
      x[i * d] += 1.5f; // a common offset: anisotropic, values away from the −4 of isotropic data
    }
    HookVectors v = HookVectors.of(x, n, d);
    double[][] u = new double[n][d];
    for (int i = 0; i < n; i++) {
      double sq = 0;
      for (int k = 0; k < d; k++) {
        sq += (double) v.get(i, k) * v.get(i, k);
      }
      for (int k = 0; k < d; k++) {
        u[i][k] = v.get(i, k) / Math.sqrt(sq);
      }
    }
    double sum = 0;
    for (int j = 1; j < n; j++) {
      for (int i = 0; i < j; i++) {
        double dot = 0;
        for (int k = 0; k < d; k++) {
          dot += u[i][k] * u[j][k];
        }
        sum += Math.exp(4 * (Math.min(1.0, dot) - 1));
      }
    }
    double plain = Math.log(sum / (n * (n - 1.0) / 2));
    assertEquals(plain, metric.value(v), 1e-12 * Math.abs(plain));
    assertTrue(plain > -3.5, "not an isotropic cloud: " + plain);
  }

  @Test
  void subsetIsSortedDistinctAndSeeded() {
    int[] rows = new int[100];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i;
    }
    int[] a = Uniformity.subset(rows, 10, 1);
    assertArrayEquals(a, Uniformity.subset(rows, 10, 1));
    assertEquals(10, a.length);
    for (int i = 1; i < a.length; i++) {
      assertTrue(a[i] > a[i - 1]);
    }
  }

  @Test
  void fewerThanTwoRowsIsNaN() {
    assertTrue(Double.isNaN(metric.value(TestVectors.rows(new double[][] {{1, 1}, {0, 0}}))));
  }
}
