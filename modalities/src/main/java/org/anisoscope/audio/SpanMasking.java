package org.anisoscope.audio;

import java.util.SplittableRandom;

/**
 * wav2vec 2.0's span masking (Baevski et al. 2020 §3.2 / fairseq {@code compute_mask_indices}): over the
 * {@code real} frames of a sequence, {@code round(p · real / M)} span starts (stochastic rounding, at least one)
 * are drawn without replacement, and each masks M consecutive frames (clipped at the end of the real frames);
 * spans may overlap. With fairseq's p = 0.65, M = 10 about half of the frames are masked. Padded frames are never
 * masked.
 */
final class SpanMasking {
  private SpanMasking() {
  }

  /** Marks the masked frames of one sequence in {@code out[offset .. offset + real)}. */
  static void mask(boolean[] out, int offset, int real, double p, int span, SplittableRandom r) {
    if (real <= 0) {
      return;
    }
    double expected = p * real / span;
    int spans = (int) Math.floor(expected + r.nextDouble());
    int startsAvailable = Math.max(1, real - span + 1);
    spans = Math.max(1, Math.min(spans, startsAvailable));
    int[] starts = new int[startsAvailable];
    for (int i = 0; i < startsAvailable; i++) {
      starts[i] = i;
    }
    for (int s = 0; s < spans; s++) { // partial Fisher–Yates: distinct starts
      int j = s + r.nextInt(startsAvailable - s);
      int tmp = starts[s];
      starts[s] = starts[j];
      starts[j] = tmp;
      for (int t = starts[s]; t < Math.min(real, starts[s] + span); t++) {
        out[offset + t] = true;
      }
    }
  }
}
