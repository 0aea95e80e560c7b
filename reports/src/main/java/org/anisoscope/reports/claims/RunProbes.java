package org.anisoscope.reports.claims;

import org.anisoscope.reports.CsvTable;
import org.anisoscope.reports.ReportException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The rows of one run's {@code probes.csv} ({@code step,epoch,hook,layer,head,metric,value}) as the rules read
 * them: a value per (hook, metric, step) for whole-layer metrics, and every head's value for per-head metrics
 * (the drift rule takes |cos| per head before averaging). A later row for the same key wins (a resumed run).
 */
public final class RunProbes {
  private static final String[] COLUMNS = {"step", "hook", "layer", "head", "metric", "value"};

  // hook → metric → step → head ("" when not per head) → value
  private final Map<String, Map<String, TreeMap<Long, Map<String, Double>>>> values = new LinkedHashMap<>();
  private final Map<String, Boolean> hasLayer = new LinkedHashMap<>();
  private final TreeSet<Long> steps = new TreeSet<>();

  private RunProbes() {}

  /** Reads {@code file}; a malformed file fails with one line naming it (and the line). */
  public static RunProbes read(Path file) {
    return of(CsvTable.read(file));
  }

  public static RunProbes of(CsvTable t) {
    if (t.header().isEmpty()) {
      throw new ReportException(t.file() + ": empty (expected the header step,epoch,hook,layer,head,metric,value)");
    }
    t.requireColumns(COLUMNS);
    RunProbes p = new RunProbes();
    for (int r = 0; r < t.rowCount(); r++) {
      long step = t.integer(r, "step");
      String hook = t.string(r, "hook");
      String head = t.string(r, "head").strip();
      p.steps.add(step);
      p.hasLayer.merge(hook, !t.isEmpty(r, "layer"), Boolean::logicalOr);
      p.values.computeIfAbsent(hook, h -> new LinkedHashMap<>())
          .computeIfAbsent(t.string(r, "metric"), m -> new TreeMap<>())
          .computeIfAbsent(step, s -> new LinkedHashMap<>())
          .put(head, t.number(r, "value"));
    }
    return p;
  }

  public OptionalLong firstStep() {
    return steps.isEmpty() ? OptionalLong.empty() : OptionalLong.of(steps.first());
  }

  public OptionalLong finalStep() {
    return steps.isEmpty() ? OptionalLong.empty() : OptionalLong.of(steps.last());
  }

  /**
   * The hidden layers (rules.conf "hidden layer"): hooks matching one of {@code hidden}; when none does, every hook
   * with a layer index that carries {@code cos_mean} and matches none of {@code notHidden}. In file order.
   */
  public List<String> hiddenHooks(List<Pattern> hidden, List<Pattern> notHidden) {
    List<String> out = new ArrayList<>();
    for (String hook : values.keySet()) {
      if (hidden.stream().anyMatch(p -> p.matcher(hook).find())) {
        out.add(hook);
      }
    }
    if (!out.isEmpty()) {
      return out;
    }
    for (String hook : values.keySet()) {
      if (hasLayer.get(hook) && values.get(hook).containsKey("cos_mean")
          && notHidden.stream().noneMatch(p -> p.matcher(hook).find())) {
        out.add(hook);
      }
    }
    return out;
  }

  /** The value of a whole-layer metric (the row without a head), or the mean over heads when it is per head. */
  public OptionalDouble value(String hook, String metric, long step) {
    Map<String, Double> byHead = values.getOrDefault(hook, Map.of()).getOrDefault(metric, new TreeMap<>()).get(step);
    if (byHead == null || byHead.isEmpty()) {
      return OptionalDouble.empty();
    }
    Double whole = byHead.get("");
    return whole != null ? OptionalDouble.of(whole)
        : OptionalDouble.of(byHead.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow());
  }

  /** Every probe step, ascending. */
  public List<Long> steps() {
    return List.copyOf(steps);
  }

  /** Every value of {@code metric} at {@code step}, over all hooks and heads (per-head metrics: one per head). */
  public List<Double> allValues(String metric, long step) {
    List<Double> out = new ArrayList<>();
    values.forEach((hook, byMetric) -> {
      TreeMap<Long, Map<String, Double>> s = byMetric.get(metric);
      if (s != null && s.containsKey(step)) {
        out.addAll(s.get(step).values());
      }
    });
    return out;
  }
}
