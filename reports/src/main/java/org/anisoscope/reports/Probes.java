package org.anisoscope.reports;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The rows of {@code probes.csv} ({@code step,epoch,hook,layer,head,metric,value}), indexed by hook, metric and
 * step. Per-head rows are averaged over heads: the reports plot one value per layer. When a (hook, metric, step,
 * head) appears twice (a resumed run that probed the same step again), the later row wins.
 */
final class Probes {
  static final String[] COLUMNS = {"step", "epoch", "hook", "layer", "head", "metric", "value"};

  // hook → metric → step → value (mean over heads for per-head metrics)
  private final Map<String, Map<String, TreeMap<Long, Double>>> values;
  private final Map<String, OptionalInt> layerOfHook;
  private final Set<String> perHeadMetrics;
  private final TreeSet<Long> steps;
  // metric → layer → head → step → value, for the per-head rows of block hooks
  private final Map<String, TreeMap<Integer, TreeMap<Integer, TreeMap<Long, Double>>>> heads;

  private Probes(Map<String, Map<String, TreeMap<Long, Double>>> values, Map<String, OptionalInt> layerOfHook,
      Set<String> perHeadMetrics, TreeSet<Long> steps,
      Map<String, TreeMap<Integer, TreeMap<Integer, TreeMap<Long, Double>>>> heads) {
    this.values = values;
    this.layerOfHook = layerOfHook;
    this.perHeadMetrics = perHeadMetrics;
    this.steps = steps;
    this.heads = heads;
  }

  static Probes empty() {
    return new Probes(Map.of(), Map.of(), Set.of(), new TreeSet<>(), Map.of());
  }

  static Probes of(CsvTable table) {
    table.requireColumns(COLUMNS);
    // (hook, metric, step) → head ("" when not per head) → value, in file order so later rows win
    Map<String, Map<String, TreeMap<Long, Map<String, Double>>>> raw = new LinkedHashMap<>();
    Map<String, OptionalInt> layerOfHook = new HashMap<>();
    Set<String> perHead = new LinkedHashSet<>();
    TreeSet<Long> steps = new TreeSet<>();
    Map<String, TreeMap<Integer, TreeMap<Integer, TreeMap<Long, Double>>>> heads = new LinkedHashMap<>();
    for (int r = 0; r < table.rowCount(); r++) {
      long step = table.integer(r, "step");
      String hook = table.string(r, "hook");
      String metric = table.string(r, "metric");
      if (hook.isEmpty() || metric.isEmpty()) {
        throw new ReportException(table.file() + " line " + table.lineOf(r) + ": empty "
            + (hook.isEmpty() ? "hook" : "metric") + " (expected e.g. hook_embed / cos_mean)");
      }
      OptionalInt layer = table.isEmpty(r, "layer") ? Hooks.layer(hook) : OptionalInt.of((int) table.integer(r, "layer"));
      String head = table.isEmpty(r, "head") ? "" : Long.toString(table.integer(r, "head"));
      double value = table.number(r, "value");
      if (!head.isEmpty()) {
        perHead.add(metric);
        if (layer.isPresent()) {
          heads.computeIfAbsent(metric, m -> new TreeMap<>()).computeIfAbsent(layer.getAsInt(), l -> new TreeMap<>())
              .computeIfAbsent(Integer.parseInt(head), h -> new TreeMap<>()).put(step, value);
        }
      }
      layerOfHook.putIfAbsent(hook, layer);
      steps.add(step);
      raw.computeIfAbsent(hook, h -> new LinkedHashMap<>())
          .computeIfAbsent(metric, m -> new TreeMap<>())
          .computeIfAbsent(step, s -> new LinkedHashMap<>())
          .put(head, value);
    }
    Map<String, Map<String, TreeMap<Long, Double>>> values = new LinkedHashMap<>();
    raw.forEach((hook, byMetric) -> byMetric.forEach((metric, byStep) -> byStep.forEach((step, byHead) -> {
      double sum = 0;
      for (double v : byHead.values()) {
        sum += v;
      }
      values.computeIfAbsent(hook, h -> new LinkedHashMap<>())
          .computeIfAbsent(metric, m -> new TreeMap<>())
          .put(step, sum / byHead.size());
    })));
    return new Probes(values, layerOfHook, perHead, steps, heads);
  }

  /** layer → head → step → value of a per-head {@code metric} (empty when absent). */
  SortedMap<Integer, TreeMap<Integer, TreeMap<Long, Double>>> perHead(String metric) {
    TreeMap<Integer, TreeMap<Integer, TreeMap<Long, Double>>> m = heads.get(metric);
    return m == null ? Collections.emptySortedMap() : Collections.unmodifiableSortedMap(m);
  }

  /** Every probe step, ascending. */
  List<Long> steps() {
    return List.copyOf(steps);
  }

  boolean isEmpty() {
    return steps.isEmpty();
  }

  /** The last probe step in the file, or empty when there are no rows. */
  OptionalLong finalStep() {
    return steps.isEmpty() ? OptionalLong.empty() : OptionalLong.of(steps.last());
  }

  /** Every hook, in forward-pass order. */
  List<String> hooks() {
    List<String> hooks = new ArrayList<>(values.keySet());
    hooks.sort(Hooks.FORWARD_ORDER);
    return hooks;
  }

  /** The metrics of {@code hook}, in the order they first appear. */
  List<String> metrics(String hook) {
    return List.copyOf(values.getOrDefault(hook, Map.of()).keySet());
  }

  /** Every metric name, in the order it first appears. */
  List<String> allMetrics() {
    Set<String> all = new LinkedHashSet<>();
    values.values().forEach(m -> all.addAll(m.keySet()));
    return List.copyOf(all);
  }

  /** Metrics that have at least one row with a {@code head}. */
  Set<String> perHeadMetrics() {
    return Collections.unmodifiableSet(perHeadMetrics);
  }

  /** step → value of ({@code hook}, {@code metric}), mean over heads; empty when absent. */
  SortedMap<Long, Double> series(String hook, String metric) {
    TreeMap<Long, Double> s = values.getOrDefault(hook, Map.of()).get(metric);
    return s == null ? Collections.emptySortedMap() : Collections.unmodifiableSortedMap(s);
  }

  OptionalDouble valueAt(String hook, String metric, long step) {
    Double v = series(hook, metric).get(step);
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  /** depth → hook for the depth hooks present ({@code hook_embed}, {@code blocks.L.hook_resid_post}). */
  SortedMap<Integer, String> depthHooks() {
    TreeMap<Integer, String> m = new TreeMap<>();
    for (String hook : values.keySet()) {
      Hooks.depth(hook).ifPresent(d -> m.put(d, hook));
    }
    return m;
  }

  /**
   * layer → step → value of {@code metric} (a per-head metric such as {@code attn_entropy}), averaged over heads
   * and over the hooks of that layer that carry it. Hooks with no layer are left out.
   */
  SortedMap<Integer, SortedMap<Long, Double>> perLayer(String metric) {
    TreeMap<Integer, TreeMap<Long, double[]>> sums = new TreeMap<>(); // layer → step → {sum, count}
    values.forEach((hook, byMetric) -> {
      TreeMap<Long, Double> s = byMetric.get(metric);
      OptionalInt layer = layerOfHook.getOrDefault(hook, OptionalInt.empty());
      if (s == null || layer.isEmpty()) {
        return;
      }
      TreeMap<Long, double[]> byStep = sums.computeIfAbsent(layer.getAsInt(), l -> new TreeMap<>());
      s.forEach((step, v) -> {
        double[] acc = byStep.computeIfAbsent(step, k -> new double[2]);
        acc[0] += v;
        acc[1] += 1;
      });
    });
    TreeMap<Integer, SortedMap<Long, Double>> out = new TreeMap<>();
    sums.forEach((layer, byStep) -> {
      TreeMap<Long, Double> s = new TreeMap<>();
      byStep.forEach((step, acc) -> s.put(step, acc[0] / acc[1]));
      out.put(layer, s);
    });
    return out;
  }
}
