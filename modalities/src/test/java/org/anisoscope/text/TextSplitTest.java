package org.anisoscope.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TextSplitTest {
  @Test
  void defaultIsFirstNinetyPercentTrainLastTenPercentVal() {
    String text = "0123456789".repeat(10);
    TextSplit s = TextSplit.of(text);
    assertEquals(90, s.train().length());
    assertEquals(text, s.train() + s.val());
  }

  @Test
  void cutsOnACodePointBoundary() {
    String text = "😀".repeat(10); // 20 chars, 10 code points
    TextSplit s = TextSplit.of(text, 0.55);
    assertEquals("😀".repeat(5), s.train());
    assertEquals("😀".repeat(5), s.val());
  }

  @Test
  void rejectsFractionOutsideOpenUnitInterval() {
    assertThrows(IllegalArgumentException.class, () -> TextSplit.of("abc", 1.0));
    assertThrows(IllegalArgumentException.class, () -> TextSplit.of("abc", 0.0));
  }
}
