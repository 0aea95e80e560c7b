package org.anisoscope.probe;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TokenGroupsTest {
  @Test
  void typesAreSplitIntoEqualGroupsByDescendingCount() {
    // counts: id0 ×5, id1 ×4, id2 ×3, id3 ×2, id4 ×1, id5 never
    int[] train = {0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4};
    TokenGroups g = TokenGroups.byFrequency(train, 6, 5);
    assertEquals(0, g.groupOf(0));
    assertEquals(1, g.groupOf(1));
    assertEquals(2, g.groupOf(2));
    assertEquals(3, g.groupOf(3));
    assertEquals(4, g.groupOf(4));
    assertEquals(-1, g.groupOf(5), "unseen in training");
    assertEquals("cos_mean_freq_q1", TokenGroups.metricName(0));
  }

  @Test
  void tiesAreBrokenByIdAndGroupsHoldEqualNumbersOfTypes() {
    int[] train = {3, 2, 1, 0, 3, 2, 1, 0, 5, 4, 7, 6, 9, 8};
    TokenGroups g = TokenGroups.byFrequency(train, 10, 2);
    // ids 0..3 appear twice (ranks 0..3), ids 4..9 once (ranks 4..9): 10 types, 5 per group.
    int[] expected = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
    for (int id = 0; id < 10; id++) {
      assertEquals(expected[id], g.groupOf(id), "id " + id);
    }
  }
}
