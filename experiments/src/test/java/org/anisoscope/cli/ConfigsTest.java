package org.anisoscope.cli;

import org.anisoscope.config.Settings;
import org.anisoscope.image.ImageData;
import org.anisoscope.text.TextData;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every experiment file in configs/ parses and validates, and says how to run it. */
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
}
