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

  /** Each probe position counts once, in its input token's group; unseen tokens in the last entry. */
  @Test
  void positionCountsPerGroup() {
    int[] train = {0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4}; // groups: id g → g (5 groups), id 5 unseen
    TokenGroups g = TokenGroups.byFrequency(train, 6, 5);
    org.anisoscope.data.Batch a = new org.anisoscope.data.Batch(2, 3, new int[] {0, 0, 1, 4, 5, 0}, new int[6]);
    org.anisoscope.data.Batch b = new org.anisoscope.data.Batch(1, 3, new int[] {2, 0, 5}, new int[3]);
    long[] counts = g.positionCounts(java.util.List.of(a, b));
    org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {4, 1, 1, 0, 1, 2}, counts);
    assertEquals("q1 4 · q2 1 · q3 1 · q4 0 · q5 1 (and 2 in no group)", TokenGroups.describeCounts(counts));
    assertEquals(java.util.List.of("q1", "q2", "q3", "q4", "q5", "none"),
        java.util.List.copyOf(TokenGroups.countsByName(counts).keySet()));
    assertEquals(2L, TokenGroups.countsByName(counts).get("none"));
    assertEquals("q1 1,234 · q2 5", TokenGroups.describeCounts(new long[] {1234, 5, 0}));
  }
}
