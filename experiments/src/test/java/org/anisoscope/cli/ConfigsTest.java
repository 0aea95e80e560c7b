package org.anisoscope.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import org.anisoscope.config.Settings;
import org.anisoscope.image.ImageData;
import org.anisoscope.text.TextData;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every experiment file in configs/ parses and validates, says how to run it, and holds overrides only. */
class ConfigsTest {
  private static final Path CONFIGS = Path.of("..", "configs");

  @Test
  void everyConfigParsesAndValidates() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(CONFIGS)) {
      files = s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
    }
    assertTrue(files.size() >= 3, "configs found: " + files);
    for (Path f : files) {
      Settings s = Settings.load(f, List.of());
      if (s.modality().equals(ImageData.MODALITY)) {
        ImageData.validate(s);                   // keys only: the data is not installed for tests
      } else {
        TextData.validate(s);
      }
      ControlExperiment.type(s);                 // control.type and its keys (cnn, lstm)
      if (!f.getFileName().toString().equals("base.conf")) {
        String text = Files.readString(f);
        assertTrue(text.startsWith("#") && text.contains("experiments/run.sh configs/" + f.getFileName()),
            f + ": header with the command");
        assertTrue(text.contains("include required(\"base.conf\")"), f + ": includes base.conf");
        assertTrue(text.contains("Expected"), f + ": states the expected result");
      }
    }
  }

  /**
   * No key of a config repeats the value it would have anyway: base.conf against reference.conf, every other file
   * against base.conf over reference.conf. (A repeated default hides which settings an experiment is about, and goes
   * stale silently when the default changes.)
   */
  @Test
  void configsHoldOverridesOnly() throws Exception {
    Config reference = ConfigFactory.defaultReference();
    List<String> repeated = new ArrayList<>();
    try (Stream<Path> s = Files.list(CONFIGS)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".conf")).sorted().toList()) {
        // the file's own keys: its text without the include line; the defaults: what it includes, over reference.conf
        String text = Files.readString(f);
        java.util.regex.Matcher inc = java.util.regex.Pattern.compile("include required\\(\"([^\"]+)\"\\)").matcher(text);
        Config defaults = reference;
        if (inc.find()) {
          defaults = ConfigFactory.parseFile(CONFIGS.resolve(inc.group(1)).toFile()).withFallback(reference).resolve();
        }
        Config own = ConfigFactory.parseString(text.replaceAll("include required\\(\"[^\"]+\"\\)", ""));
        for (Map.Entry<String, ConfigValue> e : own.entrySet()) {
          if (defaults.hasPath(e.getKey()) && same(defaults.getValue(e.getKey()).unwrapped(), e.getValue().unwrapped())) {
            repeated.add(f.getFileName() + ": " + e.getKey() + " = " + e.getValue().render());
          }
        }
      }
    }
    assertEquals(List.of(), repeated, "values that repeat the defaults");
  }

  private static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return x.doubleValue() == y.doubleValue();
    }
    return a.equals(b);
  }
}
