package org.anisoscope.audio;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpanMaskingTest {
  private static int count(boolean[] m) {
    int c = 0;
    for (boolean b : m) {
      c += b ? 1 : 0;
    }
    return c;
  }

  @Test
  void spansOfOneMaskExactlyTheDrawnNumberOfFrames() {
    // span 1, p = 0.3, 100 frames: floor(30 + u) = 30 distinct starts, each masking one frame
    for (long seed = 0; seed < 20; seed++) {
      boolean[] m = new boolean[100];
      SpanMasking.mask(m, 0, 100, 0.3, 1, new SplittableRandom(seed));
      assertEquals(30, count(m), "seed " + seed);
    }
  }

  @Test
  void wav2vecSettingsMaskAboutHalfOfTheFrames() {
    // p = 0.65, span 10 on 1000 frames: 65 distinct starts out of 991; a frame is covered unless none of the 10
    // starts that reach it was drawn: 1 − C(981, 65)/C(991, 65) ≈ 1 − (1 − 65/991)^10 ≈ 0.49 (edges aside)
    long total = 0;
    for (long seed = 0; seed < 50; seed++) {
      boolean[] m = new boolean[1000];
      SpanMasking.mask(m, 0, 1000, 0.65, 10, new SplittableRandom(seed));
      total += count(m);
    }
    double share = total / 50_000.0;
    assertEquals(1 - Math.pow(1 - 65.0 / 991, 10), share, 0.02);
  }

  @Test
  void onlyTheRealFramesOfTheSequenceAreTouchedAndOneSpanAlwaysIs() {
    boolean[] m = new boolean[30];
    SpanMasking.mask(m, 10, 7, 0.01, 10, new SplittableRandom(3)); // 7 real frames, a span longer than them
    for (int i = 0; i < 30; i++) {
      if (i < 10 || i >= 17) {
        assertFalse(m[i], "frame " + i);
      }
    }
    assertEquals(7, count(m)); // the one span covers all 7 real frames
    boolean[] none = new boolean[5];
    SpanMasking.mask(none, 0, 0, 0.65, 10, new SplittableRandom(1));
    assertTrue(count(none) == 0);
  }
}
