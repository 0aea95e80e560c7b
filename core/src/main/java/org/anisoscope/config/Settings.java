package org.anisoscope.config;

import com.typesafe.config.Config;
import org.anisoscope.objective.Objectives;

import java.nio.file.Path;
import java.util.List;

/**
 * Every framework key read and validated at start-up, so a bad config fails before anything is built or
 * written. Modality keys ({@code anisoscope.data.<modality>.*}) are read by the modality; {@link #keys()} gives
 * it the same validated access.
 */
public record Settings(Keys keys, String configName, RunSettings run, ModelSettings model, TrainSettings train,
    ProbeSettings probe, String objective, String modality) {

  public static Settings load(Path file, List<String> overrides) {
    Config c = ConfigLoader.load(file, overrides);
    String name = file == null ? "defaults" : file.getFileName().toString().replaceFirst("\\.conf$", "");
    return of(c, name);
  }

  public static Settings of(Config c, String configName) {
    Keys k = new Keys(c);
    String objective = k.string("anisoscope.objective.type");
    if (!Objectives.registry().contains(objective)) {
      throw k.invalid("anisoscope.objective.type", "one of " + Objectives.registry().names());
    }
    return new Settings(k, configName, RunSettings.read(k), ModelSettings.read(k), TrainSettings.read(k),
        ProbeSettings.read(k), objective, k.oneOf("anisoscope.data.modality", java.util.Set.of("text")));
  }

  public Config config() {
    return keys.config();
  }
}
