package org.anisoscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EffectiveRankTest {
  private final EffectiveRank metric = new EffectiveRank();

  /** Rows c + e_j and c − e_j for j < k: centred, k singular values all √2 and the rest 0, so p is uniform on k. */
  private static HookVectors kEqualSingularValues(int k, int d, double offset) {
    double[][] m = new double[2 * k][d];
    for (int j = 0; j < k; j++) {
      for (int c = 0; c < d; c++) {
        m[2 * j][c] = offset;
        m[2 * j + 1][c] = offset;
      }
      m[2 * j][j] += 1;
      m[2 * j + 1][j] -= 1;
    }
    return TestVectors.rows(m);
  }

  @Test
  void kEqualSingularValuesGiveExactlyK() {
    for (int k = 1; k <= 6; k++) {
      assertEquals(k, metric.value(kEqualSingularValues(k, 16, 0)), 1e-9, "k=" + k);
    }
  }

  @Test
  void commonOffsetIsCentredAway() {
    assertEquals(4, metric.value(kEqualSingularValues(4, 16, 5.0)), 1e-9);
  }

  /**
   * Rotated by a random orthogonal matrix and rounded to float, the zero singular values become ~10⁻⁷·σ₁; the
   * cut-off must still treat them as zero. 5000 rows also cross a block boundary of the GEMM.
   */
  @Test
  void rankKSurvivesRotationAndManyRows() {
    HookVectors v = TestVectors.repeat(TestVectors.rotate(kEqualSingularValues(3, 24, 0), 99), 834);
    assertTrue(v.n() > RowBlocks.BLOCK_ROWS);
    assertEquals(3, metric.value(v), 1e-4);
  }

  /** Rows (±3, 0), (0, ±1): σ ∝ (3, 1), p = (3/4, 1/4), exp(H) = exp(−¾ ln ¾ − ¼ ln ¼) = 4/3^{3/4}. */
  @Test
  void unequalSingularValuesHandWorked() {
    HookVectors v = TestVectors.rows(new double[][] {{3, 0}, {-3, 0}, {0, 1}, {0, -1}});
    assertEquals(4 / Math.pow(3, 0.75), metric.value(v), 1e-12);
  }

  @Test
  void allRowsEqualIsNaN() {
    assertTrue(Double.isNaN(metric.value(TestVectors.rows(new double[][] {{1, 2}, {1, 2}}))));
  }
}
