package org.anisoscope.probe;

import org.anisoscope.metrics.Bootstrap;
import org.anisoscope.metrics.HookVectors;
import org.anisoscope.metrics.Metric;
import org.anisoscope.metrics.SharedStatistics;
import org.anisoscope.model.Hooks;
import org.anisoscope.util.Seeds;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics of one hook's vectors and their {@code probes.csv} rows: what {@link Probe} computes for every
 * vector hook, shared with probes of models that are not this framework's Transformer (the DL4J controls), so
 * every run's rows come from the same code.
 */
public final class ProbeRows {
  private ProbeRows() {
  }


  /**
   * Every metric of {@code metrics} on {@code v}; those {@link Bootstrap} supports with a 95 % interval over
   * sequences from {@code bootstrap} resamples seeded by (seed, step) when {@code bootstrap > 0}. The metrics share
   * their intermediate results through one {@link SharedStatistics} scope ({@code v} does not change meanwhile).
   */
  public static Map<String, Double> vectorMetrics(List<Metric> metrics, HookVectors v, int bootstrap, long seed,
      long step) {
    Map<String, Double> values = new LinkedHashMap<>();
    try (SharedStatistics shared = SharedStatistics.open(v)) { // the vectors do not change here
      for (Metric m : metrics) {
        if (bootstrap > 0 && Bootstrap.SUPPORTED.contains(m.name())) {
          values.putAll(Bootstrap.withInterval(m, v, bootstrap, Seeds.derive(seed, Seeds.PROBE_SET, step)));
        } else {
          values.putAll(m.compute(v));
        }
      }
    }
    return values;
  }

  /** Appends one long-format row per value: {@code step,epoch,hook,layer,head,metric,value}. */
  public static void emit(List<Object[]> out, long step, int epoch, String hook, Integer head,
      Map<String, Double> values) {
    int layer = Hooks.layerOf(hook);
    for (Map.Entry<String, Double> e : values.entrySet()) {
      out.add(new Object[] {step, epoch, hook, layer < 0 ? null : layer, head, e.getKey(), e.getValue()});
    }
  }
}
