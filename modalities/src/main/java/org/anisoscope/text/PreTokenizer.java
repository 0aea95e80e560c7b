package org.anisoscope.text;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's pre-tokenization (Radford et al. 2019, {@code encoder.py}): text is cut into words with their
 * leading space, numbers, runs of punctuation and runs of whitespace, and BPE merges never cross these pieces,
 * so {@code "dog."} and {@code "dog!"} share the token {@code " dog"}. One change to GPT-2's pattern: combining
 * marks ({@code \p{M}}) count as letters, so a decomposed accent stays inside its word.
 */
final class PreTokenizer {
  /** GPT-2's pattern, Unicode-aware ({@code \s} includes every Unicode space). */
  static final String PATTERN =
      "'(?:[sdmt]|ll|ve|re)| ?[\\p{L}\\p{M}]+| ?\\p{N}+| ?[^\\s\\p{L}\\p{M}\\p{N}]+|\\s+(?!\\S)|\\s+";
  private static final Pattern REGEX = Pattern.compile(PATTERN, Pattern.UNICODE_CHARACTER_CLASS);

  private PreTokenizer() {}

  /**
   * Hands the pieces of {@code text} to {@code sink}, in order, without holding them all (a 20 MB corpus would
   * otherwise be millions of strings at once); their concatenation is {@code text} exactly (a stretch the
   * pattern does not match would become its own piece, so nothing is ever dropped).
   */
  static void forEach(String text, Consumer<String> sink) {
    Matcher m = REGEX.matcher(text);
    int end = 0;
    while (m.find()) {
      if (m.start() > end) {
        sink.accept(text.substring(end, m.start()));
      }
      sink.accept(m.group());
      end = m.end();
    }
    if (end < text.length()) {
      sink.accept(text.substring(end));
    }
  }

  /** The pieces of {@code text} as a list; see {@link #forEach}. */
  static List<String> split(String text) {
    List<String> pieces = new ArrayList<>(text.length() / 4 + 1);
    forEach(text, pieces::add);
    return pieces;
  }
}
