package org.anisoscope.data;

import com.google.common.base.Preconditions;

/**
 * One training batch of {@code size} sequences of length {@code seq}, flattened row-major ({@code [size·seq]}).
 * {@code tokens} feed a token frontend; {@code targets} are what the objective predicts at each position
 * ({@link #IGNORE} where no loss applies).
 */
public record Batch(int size, int seq, int[] tokens, int[] targets) {
  /** A target that contributes no loss (e.g. an unmasked position of a masked LM). */
  public static final int IGNORE = -1;

  public Batch {
    Preconditions.checkArgument(size >= 1 && seq >= 1, "bad batch shape [%s, %s]", size, seq);
    Preconditions.checkArgument(tokens == null || tokens.length == size * seq,
        "tokens has %s entries, batch [%s, %s] needs %s", tokens == null ? 0 : tokens.length, size, seq, size * seq);
    Preconditions.checkArgument(targets == null || targets.length == size * seq,
        "targets has %s entries, batch [%s, %s] needs %s", targets == null ? 0 : targets.length, size, seq,
        size * seq);
  }

  /** {@code size·seq}: the number of positions. */
  public int positions() {
    return size * seq;
  }
}
