package org.anisoscope.reports.claims;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's rules file, and copies of it with one threshold changed. */
final class RulesFixture {
  /** experiments/paper/rules.conf (tests run in the module folder). */
  static final Path RULES = Path.of("..", "experiments", "paper", "rules.conf");
  static final Path MATRIX = Path.of("..", "experiments", "paper", "matrix.conf");

  private RulesFixture() {}

  static Rules rules() {
    return Rules.load(RULES);
  }

  /** The rules file with the exact text {@code from} replaced by {@code to} (which must occur once). */
  static Rules with(Path dir, String from, String to) throws IOException {
    String text = Files.readString(RULES);
    int at = text.indexOf(from);
    if (at < 0 || text.indexOf(from, at + 1) >= 0) {
      throw new AssertionError("'" + from + "' must occur exactly once in " + RULES);
    }
    Path copy = dir.resolve("rules-" + Math.abs((from + to).hashCode()) + ".conf");
    Files.writeString(copy, text.replace(from, to));
    return Rules.load(copy);
  }
}
