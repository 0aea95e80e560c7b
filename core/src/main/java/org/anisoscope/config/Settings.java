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
    ProbeSettings probe, String objective, double maskProbability, double temperature, String modality) {

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
    ModelSettings model = ModelSettings.read(k);
    String modality = k.oneOf("anisoscope.data.modality", java.util.Set.of("text", "image", "audio"));
    if (objective.equals("causal-lm") && !model.causal()) {
      throw k.invalid("anisoscope.model.causal", "true for objective.type = causal-lm (a decoder)");
    }
    if (objective.equals("masked-lm") && model.causal()) {
      throw k.invalid("anisoscope.model.causal", "false for objective.type = masked-lm (an encoder)");
    }
    if (objective.equals("contrastive") && model.dropout() == 0 && modality.equals("text")) {
      throw k.invalid("anisoscope.model.dropout", "> 0 for objective.type = contrastive (the two views differ "
          + "only by their dropout masks)");
    }
    DeviceSettings.read(k, objective, model, modality); // model.device / model.tf32: fails here when unsupported
    ProbeSettings probe = ProbeSettings.read(k);
    if (k.isDefault("anisoscope.probe.hooks")) {
      // The default list asks for every kind of hook; it takes those this model has (no q/k without attention).
      probe = probe.withHooks(probe.hooks().stream().filter(h -> org.anisoscope.probe.HookSelector.problem(
          List.of(h), model.layers(), model.attention()).isEmpty()).toList());
      // ... and the run's config.conf records that list, so a resume reads hooks this model has
      k = new Keys(c.withValue("anisoscope.probe.hooks",
          com.typesafe.config.ConfigValueFactory.fromIterable(probe.hooks())));
    } else {
      // A list someone wrote is checked against this model before anything is written: a layer it lacks, or q/k
      // of a mixer without them, is an error, not a silent drop.
      java.util.Optional<String> problem = org.anisoscope.probe.HookSelector.problem(probe.hooks(), model.layers(),
          model.attention());
      if (problem.isPresent()) {
        throw k.invalid("anisoscope.probe.hooks", problem.get());
      }
    }
    return new Settings(k, configName, RunSettings.read(k), model, TrainSettings.read(k),
        probe, objective, k.doubleIn("anisoscope.objective.mask-probability", 1e-6, 1.0),
        k.doubleIn("anisoscope.objective.temperature", 1e-4, 100.0),
        modality);
  }

  /** {@code model.device} and {@code model.tf32} (validated when these settings were read). */
  public DeviceSettings device() {
    return DeviceSettings.read(keys, objective, model, modality);
  }

  public Config config() {
    return keys.config();
  }
}
