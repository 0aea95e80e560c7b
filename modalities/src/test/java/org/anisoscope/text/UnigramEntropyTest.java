package org.anisoscope.text;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UnigramEntropyTest {
  @Test
  void uniformOverKTypesIsLnK() {
    assertEquals(Math.log(4), TextData.unigramEntropy(new int[] {0, 1, 2, 3, 3, 2, 1, 0}, 6), 1e-12);
  }

  @Test
  void oneTypeIsZero() {
    assertEquals(0.0, TextData.unigramEntropy(new int[] {2, 2, 2}, 3), 0.0);
  }

  @Test
  void skewedDistributionMatchesTheFormula() {
    // p = (3/4, 1/4): −(¾ ln ¾ + ¼ ln ¼)
    double expected = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
    assertEquals(expected, TextData.unigramEntropy(new int[] {1, 1, 1, 0}, 2), 1e-12);
  }
}
