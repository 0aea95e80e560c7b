package org.anisoscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IntraSequenceCosineTest {
  private final IntraSequenceCosine metric = new IntraSequenceCosine();

  /** Sequence 7: three identical rows (cosine 1); sequence 3: three orthonormal rows (cosine 0); mean 0.5. */
  @Test
  void averagesThePerSequenceMeansUnweighted() {
    float[] x = {
        1, 2, 0, //  seq 7
        1, 0, 0, //  seq 3
        1, 2, 0, //  seq 7
        0, 1, 0, //  seq 3
        0, 0, 1, //  seq 3
        1, 2, 0, //  seq 7
        0, 0, 5, //  seq 9: one row only, skipped
    };
    HookVectors v = new HookVectors(x, 7, 3, new int[] {7, 3, 7, 3, 3, 7, 9});
    assertEquals(0.5, metric.value(v), 1e-12);
  }

  @Test
  void equalsBruteForceAveragedOverSequences() {
    int n = 90;
    int d = 5;
    float[] x = TestVectors.gaussian(n, d, 3);
    int[] ids = new int[n];
    double expected = 0;
    for (int s = 0; s < 3; s++) {
      float[] part = new float[30 * d];
      System.arraycopy(x, s * 30 * d, part, 0, part.length);
      expected += TestVectors.bruteForceCosMean(HookVectors.of(part, 30, d)) / 3;
      for (int i = 0; i < 30; i++) {
        ids[s * 30 + i] = s;
      }
    }
    assertEquals(expected, metric.value(new HookVectors(x, n, d, ids)), 1e-12);
  }

  @Test
  void noSequenceWithTwoRowsIsNaN() {
    HookVectors v = new HookVectors(new float[] {1, 0, 0, 1}, 2, 2, new int[] {0, 1});
    assertTrue(Double.isNaN(metric.value(v)));
  }
}
