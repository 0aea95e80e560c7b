package org.anisoscope.reports;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The leaf values of a run's {@code config.conf} as dotted paths without the {@code anisoscope.} prefix
 * ({@code model.d-model} → {@code 128}), for the few facts a report labels its plots with (modality, objective,
 * d-model, context). Reads the nested {@code key { ... }} / {@code key=value} layout that the training side
 * renders; it is not a HOCON parser, and a fact it cannot find is simply left out.
 */
final class ConfigFacts {
  private final Map<String, String> values;

  private ConfigFacts(Map<String, String> values) {
    this.values = values;
  }

  static ConfigFacts parse(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    Deque<String> path = new ArrayDeque<>();
    String[] lines = text.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("//")) {
        continue;
      }
      if (line.startsWith("}")) {
        path.pollLast();
        continue;
      }
      if (line.endsWith("{")) {
        path.addLast(unquote(line.substring(0, line.length() - 1).strip()));
        continue;
      }
      int eq = indexOfSeparator(line);
      if (eq < 0) {
        continue;
      }
      String key = unquote(line.substring(0, eq).strip());
      String value = line.substring(eq + 1).strip();
      if (value.startsWith("[") && !value.contains("]")) {
        StringBuilder list = new StringBuilder(value);
        while (++i < lines.length && !lines[i].strip().startsWith("]")) {
          list.append(lines[i].strip());
        }
        value = list.append(']').toString();
      }
      String full = String.join(".", path) + (path.isEmpty() ? "" : ".") + key;
      values.put(full.startsWith("anisoscope.") ? full.substring("anisoscope.".length()) : full, unquote(value));
    }
    return new ConfigFacts(values);
  }

  static ConfigFacts empty() {
    return new ConfigFacts(Map.of());
  }

  Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  OptionalInt integer(String key) {
    String v = values.get(key);
    if (v != null && v.matches("\\d{1,9}")) {
      return OptionalInt.of(Integer.parseInt(v));
    }
    return OptionalInt.empty();
  }

  private static int indexOfSeparator(String line) {
    int eq = line.indexOf('=');
    int colon = line.indexOf(':');
    if (eq < 0) {
      return colon;
    }
    return colon < 0 ? eq : Math.min(eq, colon);
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
  }
}
