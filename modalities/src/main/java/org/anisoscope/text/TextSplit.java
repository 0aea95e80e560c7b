package org.anisoscope.text;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A train/validation split of one text, nanoGPT style: the first {@code trainFraction} of the code points for
 * training, the rest for validation. Contiguous rather than shuffled, so no validation sentence is half seen in
 * training; cut on a code point boundary, so no surrogate pair is torn apart.
 */
public record TextSplit(String train, String val) {
  public static final double DEFAULT_TRAIN_FRACTION = 0.9;

  /** The 90 % / 10 % split. */
  public static TextSplit of(String text) {
    return of(text, DEFAULT_TRAIN_FRACTION);
  }

  /** Splits after {@code floor(trainFraction × code points)} code points; the fraction must lie in (0, 1). */
  public static TextSplit of(String text, double trainFraction) {
    checkArgument(trainFraction > 0 && trainFraction < 1, "trainFraction must lie in (0, 1), got %s",
        trainFraction);
    int codePoints = text.codePointCount(0, text.length());
    int cut = text.offsetByCodePoints(0, (int) Math.floor(codePoints * trainFraction));
    return new TextSplit(text.substring(0, cut), text.substring(cut));
  }
}
