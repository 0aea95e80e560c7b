package org.anisoscope.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Typed, validated reads of one config key, each failing with a {@link SettingsException} that names the key,
 * where it was set and what was expected.
 */
public final class Keys {
  private final Config config;

  public Keys(Config config) {
    this.config = config;
  }

  public Config config() {
    return config;
  }

  private String where(String key) {
    if (!config.hasPath(key)) {
      return "configuration";
    }
    ConfigValue v = config.getValue(key);
    return v.origin().description();
  }

  private SettingsException error(String key, String expected) {
    String value = config.hasPath(key) ? String.valueOf(config.getValue(key).unwrapped()) : "(missing)";
    return new SettingsException(where(key) + ": " + key + " = " + value + ": expected " + expected);
  }

  public int intIn(String key, int min, int max) {
    int v;
    try {
      v = config.getInt(key);
    } catch (ConfigException e) {
      throw error(key, "an integer in [" + min + ", " + max + "]");
    }
    if (v < min || v > max || !integral(key)) {
      throw error(key, "an integer in [" + min + ", " + max + "]");
    }
    return v;
  }

  public long longValue(String key) {
    long v;
    try {
      v = config.getLong(key);
    } catch (ConfigException e) {
      throw error(key, "an integer");
    }
    if (!integral(key)) {
      throw error(key, "an integer");
    }
    return v;
  }

  /** Typesafe Config's getInt/getLong truncate 1.5 to 1; a value with a fractional part is not an integer here. */
  private boolean integral(String key) {
    Object raw = config.getValue(key).unwrapped();
    double d;
    if (raw instanceof Number n) {
      d = n.doubleValue();
    } else {
      try {
        d = Double.parseDouble(String.valueOf(raw).trim());
      } catch (NumberFormatException e) {
        return true; // getInt accepted it (e.g. a size such as 1k): not a fraction
      }
    }
    return d == Math.rint(d);
  }

  public double doubleIn(String key, double min, double max) {
    double v;
    try {
      v = config.getDouble(key);
    } catch (ConfigException e) {
      throw error(key, "a number in [" + min + ", " + max + "]");
    }
    if (!(v >= min && v <= max)) {
      throw error(key, "a number in [" + min + ", " + max + "]");
    }
    return v;
  }

  public boolean bool(String key) {
    try {
      return config.getBoolean(key);
    } catch (ConfigException e) {
      throw error(key, "true or false");
    }
  }

  public String string(String key) {
    try {
      return config.getString(key);
    } catch (ConfigException e) {
      throw error(key, "a string");
    }
  }

  public String oneOf(String key, Set<String> allowed) {
    String v = string(key).toLowerCase(Locale.ROOT);
    if (!allowed.contains(v)) {
      throw error(key, "one of " + String.join(", ", new java.util.TreeSet<>(allowed)));
    }
    return v;
  }

  public List<String> stringList(String key) {
    try {
      return config.getStringList(key);
    } catch (ConfigException e) {
      throw error(key, "a list of strings, e.g. [\"a\", \"b\"]");
    }
  }

  /** An error about {@code key} for callers with their own checks. */
  /** True when {@code key}'s value is the default of a {@code reference.conf}, not set by a config or override. */
  public boolean isDefault(String key) {
    if (!config.hasPath(key)) {
      return true;
    }
    com.typesafe.config.ConfigOrigin o = config.getValue(key).origin();
    String r = o.resource() != null ? o.resource() : o.url() != null ? o.url().getPath() : o.filename();
    return r != null && r.endsWith("reference.conf");
  }

  public SettingsException invalid(String key, String expected) {
    return error(key, expected);
  }
}
