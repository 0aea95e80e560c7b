package org.anisoscope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The positional arguments of the command lines: configuration files and {@code key=value} overrides (anything with
 * an {@code =}), in the order given.
 */
record CliArgs(List<Path> configs, List<String> overrides) {
  static CliArgs split(List<String> args) {
    List<Path> configs = new ArrayList<>();
    List<String> overrides = new ArrayList<>();
    for (String a : args) {
      if (a.contains("=")) {
        overrides.add(a);
      } else {
        configs.add(Path.of(a));
      }
    }
    return new CliArgs(configs, overrides);
  }
}
