package org.anisoscope.probe;

import org.anisoscope.data.Batch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The labels the cone plot colours by: token-frequency groups (text) or each sequence's class. */
class ProbeLabelsTest {
  private static Batch classes(int seq, int... labels) {
    float[] x = new float[labels.length * seq];
    return new Batch(labels.length, seq, null, null, new Batch.Rows(x, 1), labels, null, null, null);
  }

  @Test
  void everyPositionGetsItsSequencesClass() {
    List<Batch> probe = List.of(classes(3, 2, 0), classes(3, 1));
    ProbeLabels l = ProbeLabels.sequenceClasses(probe).orElseThrow();
    assertEquals(List.of("class 0", "class 1", "class 2"), l.names());
    assertEquals("class", l.kind());
    assertArrayEquals(new int[] {2, 2, 2, 0, 0, 0}, l.labels(probe.get(0)));
    assertArrayEquals(new int[] {1, 1, 1}, l.labels(probe.get(1)));
  }

  @Test
  void batchesWithoutClassesHaveNone() {
    assertTrue(ProbeLabels.sequenceClasses(List.of(new Batch(1, 2, new int[] {1, 2}, null))).isEmpty());
    assertTrue(ProbeLabels.sequenceClasses(List.of(classes(2, 1), new Batch(1, 2, new int[] {1, 2}, null))).isEmpty());
  }

  @Test
  void tokenGroupsLabelEachPositionByItsInputToken() {
    // counts: id0 ×3, id1 ×2, id2 ×1; 3 groups; id 3 never seen
    TokenGroups g = TokenGroups.byFrequency(new int[] {0, 0, 0, 1, 1, 2}, 4, 3);
    ProbeLabels l = g.asLabels();
    assertEquals(List.of("q1 (most frequent)", "q2", "q3 (rarest)"), l.names());
    assertTrue(l.ordered());
    assertArrayEquals(new int[] {2, 0, -1, 1}, l.labels(new Batch(2, 2, new int[] {2, 0, 3, 1}, null)));
  }
}
