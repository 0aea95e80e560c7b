package org.anisoscope.text;

import com.google.common.io.Resources;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The sample texts in {@code src/test/resources/text/} (origin and license: {@code NOTICE.md}). */
final class Samples {
  static final String GREEK = "Η Ευρωπαϊκή Ένωση στηρίζεται στις αξίες του σεβασμού της ανθρώπινης αξιοπρέπειας.";
  static final String CZECH = "Příliš žluťoučký kůň úpěl ďábelské ódy. Evropská unie je založena na hodnotách.";
  static final String EMOJI = "snow ☃, smile 😀, math 𝔸𝔹, rocket 🚀!";

  private Samples() {}

  static String text(String name) {
    try {
      return Resources.toString(Resources.getResource("text/" + name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String mobyDick() {
    return text("moby-dick-chapter_1.txt");
  }

  /** The bodies of the Europarl sample lines, one per line. */
  static String europarlBodies() {
    StringBuilder b = new StringBuilder();
    for (String line : text("europarl-sample.tsv").split("\n")) {
      b.append(line.split("\t", 3)[2]).append('\n');
    }
    return b.toString();
  }
}
