package org.anisoscope.metrics;

import java.util.Map;

/**
 * An anisotropy measure: vectors {@code [N, d]} (plus sequence ids) → named scalars. Pure math, no training code.
 * Registered by name in {@link Metrics}; the names are the {@code metric} column of {@code probes.csv}.
 */
public interface Metric {
  /** The registry name, e.g. {@code cos_mean}. */
  String name();

  /**
   * The values, keyed by the name written to {@code probes.csv}: usually just {@code name() → value}; a metric
   * may add companions (e.g. {@code cos_mean_ci_lo}). Insertion order is the output order.
   */
  Map<String, Double> compute(HookVectors vectors);
}
