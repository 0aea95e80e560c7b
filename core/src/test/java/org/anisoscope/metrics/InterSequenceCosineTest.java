package org.anisoscope.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InterSequenceCosineTest {
  private final InterSequenceCosine metric = new InterSequenceCosine();

  @Test
  void oneDirectionPerSequenceIsInterZeroIntraOne() {
    // sequence 0: three rows along e1 (scaled); sequence 1: two rows along e2
    float[] x = {1, 0, 3, 0, 2, 0, 0, 1, 0, 4};
    HookVectors v = new HookVectors(x, 5, 2, new int[] {0, 0, 0, 1, 1});
    assertEquals(0.0, metric.value(v), 1e-12);
    assertEquals(1.0, new IntraSequenceCosine().value(v), 1e-12);
    // the same direction everywhere: inter 1
    float[] same = {1, 0, 3, 0, 2, 0, 5, 0, 7, 0};
    assertEquals(1.0, metric.value(new HookVectors(same, 5, 2, new int[] {0, 0, 0, 1, 1})), 1e-12);
    // one sequence only: no cross pairs
    assertTrue(Double.isNaN(metric.value(new HookVectors(same, 5, 2, new int[] {0, 0, 0, 0, 0}))));
  }

  @Test
  void equalsBruteForceOverCrossPairs() {
    int n = 60;
    int d = 4;
    float[] x = TestVectors.gaussian(n, d, 5);
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = i / 20;
    }
    double total = 0;
    long pairs = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (ids[i] != ids[j]) {
          double ab = 0;
          double aa = 0;
          double bb = 0;
          for (int k = 0; k < d; k++) {
            ab += x[i * d + k] * x[j * d + k];
            aa += x[i * d + k] * x[i * d + k];
            bb += x[j * d + k] * x[j * d + k];
          }
          total += ab / Math.sqrt(aa * bb);
          pairs++;
        }
      }
    }
    assertEquals(total / pairs, metric.value(new HookVectors(x, n, d, ids)), 1e-9);
  }
}
