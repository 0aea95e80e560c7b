package org.anisoscope.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads an experiment file over the {@code reference.conf} defaults, applies {@code key=value} overrides, and
 * refuses any key under {@code anisoscope} that no reference.conf defines (with the closest known key), so a
 * typo fails before anything is built or written.
 */
public final class ConfigLoader {
  public static final String ROOT = "anisoscope";

  private ConfigLoader() {
  }

  /**
   * @param file the experiment file (HOCON), or null for the defaults alone
   * @param overrides {@code key=value} strings; the {@code anisoscope.} prefix is optional
   */
  public static Config load(Path file, List<String> overrides) {
    Config reference = ConfigFactory.defaultReference();
    Config fileConfig = ConfigFactory.empty();
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new SettingsException(file + ": config file not found");
      }
      try {
        fileConfig = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw new SettingsException(oneLine(e), e);
      }
    }
    Config merged = parseOverrides(overrides).withFallback(fileConfig);
    checkKnownKeys(merged, reference);
    try {
      return merged.withFallback(reference).resolve();
    } catch (ConfigException e) {
      throw new SettingsException(oneLine(e), e);
    }
  }

  /** Parses {@code key=value} pairs; a value that looks like a HOCON list or object is parsed as such. */
  static Config parseOverrides(List<String> overrides) {
    Config out = ConfigFactory.empty();
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw new SettingsException("command line: '" + o + "' is not key=value");
      }
      String key = o.substring(0, eq).trim();
      String value = o.substring(eq + 1).trim();
      if (!key.startsWith(ROOT + ".")) {
        key = ROOT + "." + key;
      }
      ConfigValue v;
      if (value.startsWith("[") || value.startsWith("{")) {
        try {
          // the origin says "command line", as for plain values (not the parser's "String: 1")
          v = ConfigFactory.parseString("v = " + value).getValue("v")
              .withOrigin(com.typesafe.config.ConfigOriginFactory.newSimple("command line"));
        } catch (ConfigException e) {
          throw new SettingsException("command line: " + key + ": cannot parse '" + value + "': " + e.getMessage());
        }
      } else {
        v = ConfigValueFactory.fromAnyRef(value, "command line");
      }
      try {
        out = out.withValue(key, v.withOrigin(v.origin().withComments(null)));
      } catch (ConfigException e) {
        throw new SettingsException("command line: bad key '" + key + "': " + e.getMessage());
      }
    }
    return out;
  }

  private static void checkKnownKeys(Config merged, Config reference) {
    for (Map.Entry<String, ConfigValue> e : merged.root().entrySet()) {
      if (!e.getKey().equals(ROOT)) {
        throw new SettingsException(e.getValue().origin().description() + ": key '" + e.getKey()
            + "' is outside the 'anisoscope' root; every key lives under anisoscope { ... }");
      }
    }
    if (!merged.hasPath(ROOT)) {
      return;
    }
    List<String> known = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : reference.getConfig(ROOT).entrySet()) {
      known.add(ROOT + "." + e.getKey());
    }
    for (Map.Entry<String, ConfigValue> e : merged.getConfig(ROOT).entrySet()) {
      String key = ROOT + "." + e.getKey();
      if (!reference.hasPath(key)) {
        String where = e.getValue().origin().description();
        throw new SettingsException(where + ": unknown key " + key + "; did you mean " + closest(key, known) + "?");
      }
    }
  }

  /** The known key at the smallest edit distance. */
  static String closest(String key, List<String> known) {
    String best = known.get(0);
    int bestD = Integer.MAX_VALUE;
    for (String k : known) {
      int d = editDistance(key, k);
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    return best;
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** A Typesafe Config exception as one line (it already names file, line and key). */
  static String oneLine(ConfigException e) {
    return e.getMessage().replace('\n', ' ');
  }
}
