package org.anisoscope.config;

import org.anisoscope.metrics.Metrics;

import java.util.List;

/** {@code anisoscope.probe.*}; {@code maxVectorMb} bounds what {@code saveVectors} may write (0 = no bound). */
public record ProbeSettings(int everySteps, int sequences, int batchSize, List<String> hooks, List<String> metrics,
    int bootstrap, boolean saveVectors, int frequencyGroups, int maxVectorMb, String coneHook) {

  /** The same settings probing {@code newHooks}. */
  public ProbeSettings withHooks(List<String> newHooks) {
    return new ProbeSettings(everySteps, sequences, batchSize, List.copyOf(newHooks), metrics, bootstrap, saveVectors,
        frequencyGroups, maxVectorMb, coneHook);
  }

  static ProbeSettings read(Keys k) {
    List<String> hooks = k.stringList("anisoscope.probe.hooks");
    for (String h : hooks) {
      if (!h.matches("W_E|W_U|hook_embed|ln_final\\.hook_normalized|blocks\\.(\\*|\\d+)\\.(hook_resid_pre|hook_resid_mid"
          + "|hook_resid_post|attn\\.hook_q|attn\\.hook_k|attn\\.hook_pattern)")) {
        throw k.invalid("anisoscope.probe.hooks", "hook names of ARCHITECTURE.md §3 (e.g. hook_embed, "
            + "blocks.*.hook_resid_post, blocks.0.attn.hook_q), not '" + h + "'");
      }
    }
    List<String> metrics = k.stringList("anisoscope.probe.metrics");
    for (String m : metrics) {
      if (!Metrics.registry().contains(m)) {
        throw k.invalid("anisoscope.probe.metrics", "metric names among " + Metrics.registry().names());
      }
    }
    String cone = coneHook(k, hooks);
    return new ProbeSettings(
        k.intIn("anisoscope.probe.every-steps", 0, Integer.MAX_VALUE),
        k.intIn("anisoscope.probe.sequences", 1, 1_000_000),
        k.intIn("anisoscope.probe.batch-size", 1, 1_000_000),
        List.copyOf(hooks), List.copyOf(metrics),
        k.intIn("anisoscope.probe.bootstrap", 0, 1_000_000),
        k.bool("anisoscope.probe.save-vectors"),
        k.intIn("anisoscope.probe.frequency-groups", 0, 100),
        k.intIn("anisoscope.probe.max-vector-mb", 0, Integer.MAX_VALUE), cone);
  }

  /** {@code probe.cone-hook}: auto, none, or a resid-like hook of this model that {@code probe.hooks} probes. */
  private static String coneHook(Keys k, List<String> hooks) {
    String key = "anisoscope.probe.cone-hook";
    String h = k.string(key);
    if (h.equals("auto") || h.equals("none")) {
      return h;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("hook_embed|ln_final\\.hook_normalized|blocks\\.(\\d+)\\.(hook_resid_pre|hook_resid_mid|hook_resid_post)")
        .matcher(h);
    if (!m.matches()) {
      throw k.invalid(key, "auto, none, or one vector hook (hook_embed, blocks.L.hook_resid_pre|mid|post, "
          + "ln_final.hook_normalized), not '" + h + "'");
    }
    int layers = k.intIn("anisoscope.model.layers", 1, 1000);
    if (m.group(1) != null && Long.parseLong(m.group(1)) >= layers) {
      throw k.invalid(key, "a block index below model.layers = " + layers + ", not '" + h + "'");
    }
    boolean probed = hooks.stream().anyMatch(p -> h.matches(p.replace(".", "\\.").replace("*", "\\d+")));
    if (!probed) {
      throw k.invalid(key, "a hook that probe.hooks collects (" + String.join(", ", hooks) + "), not '" + h + "'");
    }
    return h;
  }
}
