package org.anisoscope.data;

import com.google.common.base.Preconditions;

/**
 * One batch of {@code size} sequences of length {@code seq}; per-position arrays are flattened row-major
 * ({@code [size·seq]}). Each modality fills only its own fields, every other one is null:
 * <ul>
 *   <li>text: {@code tokens} (the token frontend's input) and {@code targets} (what a token objective predicts at
 *   each position, {@link #IGNORE} where no loss applies);</li>
 *   <li>float inputs (image patches, audio frames): {@code inputs} {@code [B·T, F]} and, for supervised objectives,
 *   {@code labels} (one class per sequence, {@code [B]}).</li>
 * </ul>
 * Optional, any modality: {@code padding} {@code [B·T]} (true = a padded position that is not part of its
 * sequence: attention gives it no weight as a key, objectives never count it, probe sets never hold it),
 * {@code masked} {@code [B·T]} (true = the frontend replaces this position's input by its learned mask embedding)
 * and {@code valueTargets} {@code [B·T, D]} (what a regression objective predicts at the masked positions).
 */
public record Batch(int size, int seq, int[] tokens, int[] targets, Rows inputs, int[] labels, boolean[] padding,
    boolean[] masked, Rows valueTargets) {
  /** A target that contributes no loss (e.g. an unmasked position of a masked LM). */
  public static final int IGNORE = -1;

  /** Row-major float rows {@code [rows, width]}: one row per position. */
  public record Rows(float[] values, int width) {
    public Rows {
      Preconditions.checkArgument(width >= 1 && values.length % width == 0,
          "%s values do not form rows of width %s", values.length, width);
    }

    public int rows() {
      return values.length / width;
    }
  }

  public Batch {
    Preconditions.checkArgument(size >= 1 && seq >= 1, "bad batch shape [%s, %s]", size, seq);
    int n = size * seq;
    Preconditions.checkArgument(tokens == null || tokens.length == n,
        "tokens has %s entries, batch [%s, %s] needs %s", tokens == null ? 0 : tokens.length, size, seq, n);
    Preconditions.checkArgument(targets == null || targets.length == n,
        "targets has %s entries, batch [%s, %s] needs %s", targets == null ? 0 : targets.length, size, seq, n);
    Preconditions.checkArgument(inputs == null || inputs.rows() == n,
        "inputs has %s rows, batch [%s, %s] needs %s", inputs == null ? 0 : inputs.rows(), size, seq, n);
    Preconditions.checkArgument(labels == null || labels.length == size,
        "labels has %s entries, batch of %s sequences needs %s", labels == null ? 0 : labels.length, size, size);
    Preconditions.checkArgument(padding == null || padding.length == n,
        "padding has %s entries, batch [%s, %s] needs %s", padding == null ? 0 : padding.length, size, seq, n);
    Preconditions.checkArgument(masked == null || masked.length == n,
        "masked has %s entries, batch [%s, %s] needs %s", masked == null ? 0 : masked.length, size, seq, n);
    Preconditions.checkArgument(valueTargets == null || valueTargets.rows() == n,
        "valueTargets has %s rows, batch [%s, %s] needs %s", valueTargets == null ? 0 : valueTargets.rows(), size,
        seq, n);
  }

  /** A token batch (text). */
  public Batch(int size, int seq, int[] tokens, int[] targets) {
    this(size, seq, tokens, targets, null, null, null, null, null);
  }

  /** A float-input batch (image patches, audio frames): inputs {@code [B·T, F]}, labels {@code [B]} or null. */
  public static Batch ofInputs(int size, int seq, Rows inputs, int[] labels) {
    Preconditions.checkArgument(inputs != null, "a float-input batch needs inputs");
    return new Batch(size, seq, null, null, inputs, labels, null, null, null);
  }

  /** This batch with {@code masked} positions and the {@code valueTargets} a regression objective predicts. */
  public Batch withMasked(boolean[] masked, Rows valueTargets) {
    return new Batch(size, seq, tokens, targets, inputs, labels, padding, masked, valueTargets);
  }

  /** {@code size·seq}: the number of positions. */
  public int positions() {
    return size * seq;
  }
}
