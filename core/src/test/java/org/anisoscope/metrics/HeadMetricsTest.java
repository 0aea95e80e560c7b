package org.anisoscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeadMetricsTest {
  /** Mean q = (2, 0), mean k = (1, 2): norms 2 and √5, dot 2, cosine 2/(2√5) = 1/√5. */
  @Test
  void queryKeyMeansByHand() {
    HookVectors q = TestVectors.rows(new double[][] {{1, 0}, {3, 0}});
    HookVectors k = TestVectors.rows(new double[][] {{0, 1}, {2, 3}});
    Map<String, Double> m = HeadMetrics.queryKey(q, k);
    assertEquals(List.of("q_mean_norm", "k_mean_norm", "qk_mean_cos", "qk_mean_dot"), List.copyOf(m.keySet()));
    assertEquals(2.0, m.get("q_mean_norm"), 1e-12);
    assertEquals(Math.sqrt(5), m.get("k_mean_norm"), 1e-12);
    assertEquals(1 / Math.sqrt(5), m.get("qk_mean_cos"), 1e-12);
    assertEquals(2.0, m.get("qk_mean_dot"), 1e-12);
  }

  @Test
  void zeroMeanQueryHasUndefinedCosine() {
    HookVectors q = TestVectors.rows(new double[][] {{1, 0}, {-1, 0}});
    HookVectors k = TestVectors.rows(new double[][] {{0, 1}});
    Map<String, Double> m = HeadMetrics.queryKey(q, k);
    assertEquals(0.0, m.get("q_mean_norm"));
    assertTrue(Double.isNaN(m.get("qk_mean_cos")));
  }

  @Test
  void mismatchedHeadDimensionsAreRejected() {
    HookVectors q = TestVectors.rows(new double[][] {{1, 0}});
    HookVectors k = TestVectors.rows(new double[][] {{1, 0, 0}});
    assertThrows(IllegalArgumentException.class, () -> HeadMetrics.queryKey(q, k));
  }

  @Test
  void uniformRowsHaveEntropyLnCols() {
    int rows = 3;
    int cols = 7;
    float[] p = new float[rows * cols];
    java.util.Arrays.fill(p, 1f / cols);
    assertEquals(Math.log(cols), HeadMetrics.attentionEntropy(p, rows, cols), 1e-6);
  }

  @Test
  void oneHotRowsHaveEntropyZero() {
    float[] p = {0, 1, 0, 1, 0, 0};
    assertEquals(0.0, HeadMetrics.attentionEntropy(p, 2, 3));
  }

  /** Rows (½, ½, 0) and (1, 0, 0): entropies ln 2 and 0, mean ln 2 / 2 (0·ln 0 = 0). */
  @Test
  void entropyIsTheMeanOverRows() {
    float[] p = {0.5f, 0.5f, 0, 1, 0, 0};
    assertEquals(Math.log(2) / 2, HeadMetrics.attentionEntropy(p, 2, 3), 1e-12);
  }

  @Test
  void nanWeightGivesNaNAndBadShapeIsRejected() {
    assertTrue(Double.isNaN(HeadMetrics.attentionEntropy(new float[] {Float.NaN, 1}, 1, 2)));
    assertThrows(IllegalArgumentException.class, () -> HeadMetrics.attentionEntropy(new float[3], 2, 2));
  }
}
