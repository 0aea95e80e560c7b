package org.anisoscope.reports;

import org.anisoscope.reports.CompareReport.Entry;
import org.anisoscope.reports.HtmlPage.Cell;
import org.anisoscope.files.Csv;
import org.knowm.xchart.XYChart;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/** The charts, tables and CSV of {@link CompareReport}. */
final class CompareFigures {
  static final String CSV_HEADER = "run,modality,objective,step,depth,depth_norm,hook,metric,value,ci_lo,ci_hi";

  private CompareFigures() {}

  /** The metrics drawn besides cos_mean: {@code chosen}, or every depth metric of any run (intervals aside). */
  static List<String> metrics(List<Entry> entries, List<String> chosen) {
    Set<String> present = new LinkedHashSet<>();
    for (Entry e : entries) {
      present.addAll(RunReport.depthMetricsAtFinalStep(e.run().probes));
    }
    if (chosen.isEmpty()) {
      present.remove(RunReport.COS_MEAN);
      return List.copyOf(present);
    }
    List<String> out = new ArrayList<>();
    for (String m : chosen) {
      if (!present.contains(m) && !hasAnyDepthValue(entries, m)) {
        throw new ReportException("--metric " + m + ": no run has it at its depth hooks at the final probe step "
            + "(metrics found: " + String.join(", ", present) + ")");
      }
      if (!m.equals(RunReport.COS_MEAN) && !out.contains(m)) {
        out.add(m);
      }
    }
    return out;
  }

  private static boolean hasAnyDepthValue(List<Entry> entries, String metric) {
    for (Entry e : entries) {
      if (!finalByDepth(e, metric).isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** depth → value of {@code metric} at the run's final probe step. */
  static TreeMap<Integer, Double> finalByDepth(Entry e, String metric) {
    Probes p = e.run().probes;
    TreeMap<Integer, Double> m = new TreeMap<>();
    p.finalStep().ifPresent(step -> p.depthHooks().forEach(
        (d, hook) -> p.valueAt(hook, metric, step).ifPresent(v -> m.put(d, v))));
    return m;
  }

  private static int deepest(Entry e) {
    SortedMap<Integer, String> d = e.run().probes.depthHooks();
    return d.isEmpty() ? 0 : d.lastKey();
  }

  private static TreeMap<Double, Double> normalised(Map<Integer, Double> byDepth, int deepest) {
    TreeMap<Double, Double> out = new TreeMap<>();
    byDepth.forEach((d, v) -> out.put(deepest == 0 ? 0.0 : d / (double) deepest, v));
    return out;
  }

  private static String fact(Entry e, String key) {
    return e.run().facts().get(key).orElse("–");
  }

  static void runsTable(List<Entry> entries, HtmlPage page) {
    List<String> header = List.of("run", "modality", "objective", "tokenizer", "layers", "d-model",
        "last probe step", "final val loss", "directory");
    List<List<Cell>> rows = new ArrayList<>();
    for (Entry e : entries) {
      OptionalDouble val = e.run().finalValLoss();
      rows.add(List.of(Cell.swatch(e.colour(), e.name()), Cell.text(fact(e, "data.modality")),
          Cell.text(fact(e, "objective.type")), Cell.text(fact(e, "data.text.tokenizer")),
          Cell.text(fact(e, "model.layers")), Cell.text(fact(e, "model.d-model")),
          e.run().probes.finalStep().isPresent() ? Cell.text(Long.toString(e.run().probes.finalStep().getAsLong()))
              : Cell.missing(),
          val.isPresent() ? Cell.number(val.getAsDouble()) : Cell.missing(),
          Cell.text(e.run().dir.toAbsolutePath().normalize().toString())));
    }
    page.table(header, rows);
  }

  /** {@code metric} at each run's final step against normalised depth, one line per run with its band. */
  static void againstDepth(List<Entry> entries, String metric, HtmlPage page, boolean main) {
    XYChart c = Plots.chart(metric + " against normalised depth (final probe step)",
        "normalised depth (0 = embedding, 1 = last block)", metric, Plots.WIDTH, Plots.HEIGHT);
    c.getStyler().setXAxisMin(0.0);
    c.getStyler().setXAxisMax(1.0);
    c.getStyler().setXAxisDecimalPattern("0.##");
    List<Double> all = new ArrayList<>();
    boolean any = false;
    boolean anyBand = false;
    double widest = Double.NaN;
    OptionalInt dModel = OptionalInt.empty();
    for (Entry e : entries) {
      int deepest = deepest(e);
      TreeMap<Integer, Double> y = finalByDepth(e, metric);
      TreeMap<Integer, Double> lo = finalByDepth(e, metric + "_ci_lo");
      TreeMap<Integer, Double> hi = finalByDepth(e, metric + "_ci_hi");
      all.addAll(y.values());
      all.addAll(lo.values());
      anyBand |= Plots.band(c, e.name() + " 95 %", normalised(lo, deepest), normalised(hi, deepest), e.colour());
      widest = RunFigures.maxOf(widest, Plots.widestHalfWidth(lo, hi));
      any |= Plots.line(c, e.name(), normalised(y, deepest), e.colour());
      if (dModel.isEmpty()) {
        dModel = e.run().facts().integer("model.d-model");
      }
    }
    if (!any) {
      page.note("No data for " + metric + " against depth: no run has " + metric + " at its depth hooks at its last "
          + "probe step.");
      return;
    }
    MetricInfo info = MetricInfo.of(metric, all, dModel, OptionalInt.empty());
    info.applyY(c);
    page.figure(Plots.png(c), metric + " against normalised depth, one line per run",
        (main ? "The paper's figure: " : "") + metric + " of each run at its last probe step against depth / "
            + "the run's deepest depth, so models of different depth line up (0 = hook_embed, 1 = the last "
            + "block's output)" + (anyBand ? "; shaded: 95 % bootstrap interval over probe sequences"
            + Plots.widestNote(widest) : "") + ". "
            + info.caption() + ".");
  }

  /** cos_mean of each run's deepest depth against step / its last probe step, with its band. */
  static void overTraining(List<Entry> entries, HtmlPage page) {
    XYChart c = Plots.chart("cos_mean of the last block over training", "training progress (step / last probe step)",
        "cos_mean of the deepest depth", Plots.WIDTH, Plots.HEIGHT);
    c.getStyler().setXAxisMin(0.0);
    c.getStyler().setXAxisMax(1.0);
    c.getStyler().setXAxisDecimalPattern("0.##");
    List<Double> all = new ArrayList<>();
    boolean any = false;
    for (Entry e : entries) {
      Probes p = e.run().probes;
      if (p.depthHooks().isEmpty() || p.finalStep().isEmpty()) {
        continue;
      }
      String hook = p.depthHooks().get(p.depthHooks().lastKey());
      double last = p.finalStep().getAsLong();
      TreeMap<Double, Double> y = progress(p.series(hook, RunReport.COS_MEAN), last);
      all.addAll(y.values());
      Plots.band(c, e.name() + " 95 %", progress(p.series(hook, RunFigures.LO), last),
          progress(p.series(hook, RunFigures.HI), last), e.colour());
      any |= Plots.line(c, e.name(), y, e.colour());
    }
    if (!any) {
      page.note("No data for the progress plot: no run has cos_mean rows for a depth hook.");
      return;
    }
    MetricInfo.of(RunReport.COS_MEAN, all, OptionalInt.empty(), OptionalInt.empty()).applyY(c);
    page.figure(Plots.png(c), "last block cos_mean against training progress, one line per run",
        "When each run becomes anisotropic: cos_mean of its deepest depth against step / its last probe step (runs "
            + "of different length line up), shaded: 95 % interval. Fixed axis.");
  }

  private static TreeMap<Double, Double> progress(SortedMap<Long, Double> s, double last) {
    TreeMap<Double, Double> out = new TreeMap<>();
    s.forEach((step, v) -> out.put(last == 0 ? 0 : step / last, v));
    return out;
  }

  /** Per run and metric: the last depth's value [interval], and the depth where it peaks. */
  static void finalTable(List<Entry> entries, List<String> metrics, HtmlPage page) {
    List<String> all = new ArrayList<>();
    all.add(RunReport.COS_MEAN);
    all.addAll(metrics);
    List<String> header = List.of("run", "metric", "last depth", "95 % interval", "embedding (depth 0)",
        "max over depths", "at normalised depth");
    List<List<Cell>> rows = new ArrayList<>();
    for (String m : all) {
      for (Entry e : entries) {
        TreeMap<Integer, Double> y = finalByDepth(e, m);
        if (y.isEmpty()) {
          continue;
        }
        int deepest = deepest(e);
        Double lo = finalByDepth(e, m + "_ci_lo").get(y.lastKey());
        Double hi = finalByDepth(e, m + "_ci_hi").get(y.lastKey());
        Map.Entry<Integer, Double> max = null;
        for (Map.Entry<Integer, Double> d : y.entrySet()) {
          if (Double.isFinite(d.getValue()) && (max == null || d.getValue() > max.getValue())) {
            max = d;
          }
        }
        rows.add(List.of(Cell.swatch(e.colour(), e.name()), Cell.text(m), Cell.number(y.lastEntry().getValue()),
            lo == null || hi == null ? Cell.missing() : Cell.text("[" + Fmt.fixed(lo, 4) + ",\u00a0" + Fmt.fixed(hi, 4)
                + "]"),
            y.containsKey(0) ? Cell.number(y.get(0)) : Cell.missing(),
            max == null ? Cell.missing() : Cell.number(max.getValue()),
            max == null ? Cell.missing() : Cell.text(Fmt.fixed(deepest == 0 ? 0 : max.getKey() / (double) deepest,
                2))));
      }
    }
    if (rows.isEmpty()) {
      page.note("No final values: no run has probe rows at its depth hooks.");
      return;
    }
    page.table(header, rows);
  }

  /** compare.csv: one row per run, metric and depth at the run's final step (drawn metrics, cos_mean first). */
  static String csv(List<Entry> entries, List<String> metrics) {
    StringBuilder b = new StringBuilder(CSV_HEADER).append('\n');  // cells written by the one CSV writer (files)
    List<String> all = new ArrayList<>();
    all.add(RunReport.COS_MEAN);
    all.addAll(metrics);
    for (Entry e : entries) {
      Probes p = e.run().probes;
      if (p.finalStep().isEmpty()) {
        continue;
      }
      long step = p.finalStep().getAsLong();
      int deepest = deepest(e);
      for (String m : all) {
        TreeMap<Integer, Double> lo = finalByDepth(e, m + "_ci_lo");
        TreeMap<Integer, Double> hi = finalByDepth(e, m + "_ci_hi");
        finalByDepth(e, m).forEach((d, v) -> b.append(Csv.row(java.util.Arrays.asList(e.name(),
            e.run().facts().get("data.modality").orElse(""), e.run().facts().get("objective.type").orElse(""), step, d,
            String.format(Locale.ROOT, "%.6f", deepest == 0 ? 0 : d / (double) deepest), p.depthHooks().get(d), m, v,
            lo.get(d), hi.get(d)))));
      }
    }
    return b.toString();
  }
}
