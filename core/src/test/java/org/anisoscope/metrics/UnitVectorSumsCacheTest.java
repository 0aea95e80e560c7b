package org.anisoscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/**
 * The uncentred unit-vector sums are computed once per vectors and shared by the cosine metrics, and a buffer
 * refilled in place (data or sequence ids) gets fresh sums, never the cached ones.
 */
class UnitVectorSumsCacheTest {
  @Test
  void sharedForTheSameVectorsAndFreshAfterARefill() {
    float[] x = {1, 0, 1, 0, 0, 1, 0, 1};                          // [4, 2]
    int[] ids = {0, 0, 1, 1};
    HookVectors v = new HookVectors(x, 4, 2, ids);
    UnitVectorSums first = UnitVectorSums.of(v, null);
    assertSame(first, UnitVectorSums.of(v, null));
    // rows: e1, e1, e2, e2: pairs (e1,e1), (e2,e2) cos 1, four cross pairs cos 0 → 2/6
    assertEquals(1.0 / 3, new MeanPairwiseCosine().value(v), 1e-12);
    assertEquals(1.0, new IntraSequenceCosine().value(v), 1e-12);

    x[2] = 0;                                                      // row 1 becomes e2: e1, e2, e2, e2
    x[3] = 1;
    assertNotEquals(first, UnitVectorSums.of(v, null));
    assertEquals(0.5, new MeanPairwiseCosine().value(v), 1e-12);   // 3 of 6 pairs cos 1

    ids[1] = 1;                                                    // sequences {e1}, {e2, e2, e2}
    ids[0] = 0;
    assertEquals(1.0, new IntraSequenceCosine().value(v), 1e-12);
    ids[2] = 0;                                                    // sequences {e1, e2}, {e2, e2}: 0 and 1
    assertEquals(0.5, new IntraSequenceCosine().value(v), 1e-12);
  }
}
