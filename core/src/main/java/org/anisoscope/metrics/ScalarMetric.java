package org.anisoscope.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/** A {@link Metric} that yields exactly one value, named after the metric. */
abstract class ScalarMetric implements Metric {
  private final String name;

  ScalarMetric(String name) {
    this.name = name;
  }

  @Override
  public final String name() {
    return name;
  }

  /** The value; {@code NaN} where the metric is undefined for these vectors (documented per metric). */
  public abstract double value(HookVectors vectors);

  @Override
  public final Map<String, Double> compute(HookVectors vectors) {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put(name, value(vectors));
    return out;
  }

  @Override
  public String toString() {
    return name;
  }
}
