package org.anisoscope.config;

/** {@code anisoscope.run.*}. */
public record RunSettings(String name, String dir, long seed, boolean overwrite) {
  static RunSettings read(Keys k) {
    String name = k.string("anisoscope.run.name");
    if (!name.isEmpty() && !name.matches("[A-Za-z0-9._-]+")) {
      throw k.invalid("anisoscope.run.name", "letters, digits, '.', '_' or '-' only");
    }
    String dir = k.string("anisoscope.run.dir");
    if (dir.isBlank()) {
      throw k.invalid("anisoscope.run.dir", "a folder path");
    }
    return new RunSettings(name, dir, k.longValue("anisoscope.run.seed"), k.bool("anisoscope.run.overwrite"));
  }
}
