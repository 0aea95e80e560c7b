package org.anisoscope.reports;

import org.anisoscope.reports.HtmlPage.Cell;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The report of one run: {@code <run>/report/index.html}, self-contained (plots are PNGs embedded as
 * {@code data:} URIs). Sections: provenance and config; loss; {@code cos_mean} per depth over training; the
 * representation metrics against depth at the final probe step; query/key drift and attention entropy per block
 * (when probed); tables of the final probe step. A plot whose data is absent is replaced by a note.
 */
public final class RunReport {
  /** The report's path inside a run directory. */
  public static final String INDEX = "report/index.html";

  /** Per-head query/key drift metrics (ARCHITECTURE.md §6 Metrics), in plot order. */
  static final List<String> QK_METRICS = List.of("q_mean_norm", "k_mean_norm", "qk_mean_cos", "qk_mean_dot");
  static final String ATTN_ENTROPY = "attn_entropy";
  static final String COS_MEAN = "cos_mean";
  /** From this many train.csv rows on, the loss plot adds a smoothed line over the (faded) noisy one. */
  static final int SMOOTH_ABOVE = 200;

  private RunReport() {}

  /**
   * Writes {@code runDir/report/index.html} (atomically: temporary file, then rename) and returns its path.
   * Reads the run's files only; creates {@code report/} and touches nothing else in {@code runDir}.
   *
   * @throws ReportException when {@code runDir} is not a run directory or one of its CSV files is malformed
   */
  public static Path write(Path runDir) {
    RunData run = RunData.load(runDir);
    Path out = runDir.resolve(INDEX);
    HtmlPage.writeAtomically(out, render(run));
    return out;
  }

  /**
   * {@link #write}, for the end of a training run: a Java runtime that cannot draw text (a headless machine without
   * the system font libraries, e.g. {@code libharfbuzz.so.0} for a JDK built against it) gets a one-line warning on
   * {@code out} instead of failing a run whose CSV files are already complete. Returns the report's path, or null
   * when it was not drawn.
   */
  public static Path writeOrWarn(Path runDir, java.io.PrintStream out) {
    return writeOrWarn(runDir, out, RunReport::write);
  }

  static Path writeOrWarn(Path runDir, java.io.PrintStream out, java.util.function.Function<Path, Path> writer) {
    try {
      return writer.apply(runDir);
    } catch (LinkageError | java.awt.AWTError e) {
      out.println("report: not drawn: this Java runtime cannot render text (" + e + "); the run's CSV files are "
          + "complete: draw it where fonts work with experiments/report.sh " + runDir);
      return null;
    }
  }

  static String render(RunData run) {
    HtmlPage page = new HtmlPage(run.name);
    summary(run, page);
    provenance(run, page);

    page.h2("Loss");
    lossPlot(run, page);

    page.h2("Anisotropy against depth");
    RunFigures.cosAgainstDepth(run, page);

    page.h2("Anisotropy over training");
    RunFigures.cosOverTraining(run, page);
    RunFigures.cosHeatmap(run, page);

    page.h2("Token frequency");
    RunFigures.frequencyGroups(run, page);

    page.h2("The cone");
    cone(run, page);

    page.h2("Other metrics against depth at the final probe step");
    finalMetricsPlot(run, page);

    page.h2("Attention: query/key drift and entropy per head");
    RunFigures.perHead(run, page);

    page.h2("Final probe step");
    finalTables(run, page);

    if (!run.notes().isEmpty()) {
      page.h2("Missing data");
      run.notes().forEach(page::note);
    }
    return page.html();
  }

  private static void cone(RunData run, HtmlPage page) {
    Optional<String> preferred = run.facts().get("probe.cone-hook").filter(h -> !h.equals("auto") && !h.equals("none"));
    Optional<Cone> cone = Cone.load(run.dir, preferred);
    if (cone.isEmpty()) {
      page.note("No cone: the run has no probe vectors saved at two steps (probes/step-<S>/<hook>.npy; "
          + "probe.cone-hook saves them, probe.cone-hook = none turns it off).");
      return;
    }
    cone.get().draw(page);
  }

  private static void summary(RunData run, HtmlPage page) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("run directory", run.dir.toAbsolutePath().normalize().toString());
    TreeMap<Long, Double> train = run.trainLoss();
    if (!train.isEmpty()) {
      facts.put("last train step", train.lastKey() + " (loss " + Fmt.num(train.lastEntry().getValue()) + ")");
    }
    OptionalDouble val = run.finalValLoss();
    if (val.isPresent()) {
      facts.put("final " + run.valSplit().orElse("val") + " loss", Fmt.num(val.getAsDouble()));
    }
    run.probes.finalStep().ifPresent(s -> facts.put("last probe step", Long.toString(s)));
    page.keyValues(facts);
  }

  private static void provenance(RunData run, HtmlPage page) {
    page.h2("Provenance");
    Map<String, String> facts = run.provenanceFacts();
    if (!facts.isEmpty()) {
      page.keyValues(facts);
    } else if (run.provenanceText.isPresent()) {
      page.note("provenance.json has none of the usual keys (version, git commit, backend, seed, start, end); "
          + "the whole file is below.");
    } else {
      page.note("No provenance: provenance.json is missing.");
    }
    run.provenanceText.ifPresent(t -> page.details("provenance.json", t));
    if (run.config.isPresent()) {
      page.details("config.conf (the fully resolved configuration)", run.config.get());
    } else {
      page.note("No configuration: config.conf is missing.");
    }
  }

  private static void lossPlot(RunData run, HtmlPage page) {
    XYChart c = Plots.chart("Loss", "step", "loss", Plots.WIDTH, Plots.HEIGHT);
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    TreeMap<Long, Double> train = run.trainLoss();
    boolean any;
    if (train.size() >= SMOOTH_ABOVE) {
      Color blue = Plots.categorical(0);
      any = Plots.line(c, "train", train, new Color(blue.getRed(), blue.getGreen(), blue.getBlue(), 70), false);
      if (Plots.line(c, "train (EMA)", ema(train, Math.max(10, train.size() / 50)), blue, false)) {
        c.getSeriesMap().get("train (EMA)").setLineStyle(new BasicStroke(2.2f));
      }
    } else {
      any = Plots.line(c, "train", train, Plots.categorical(0), false);
    }
    int i = 1;
    for (Map.Entry<String, TreeMap<Long, Double>> e : run.evalLoss().entrySet()) {
      any |= Plots.line(c, e.getKey(), e.getValue(), Plots.categorical(i++));
    }
    if (any) {
      page.figure(Plots.png(c), "loss against step",
          "Training loss per logged step (train.csv) and evaluation loss per split (eval.csv).");
    } else {
      page.note("No data for the loss plot: train.csv and eval.csv have no finite loss values.");
    }
  }

  /** Representation metrics (not per head) that the depth hooks have at the final step; cos_mean first. */
  static List<String> depthMetricsAtFinalStep(Probes probes) {
    List<String> metrics = new ArrayList<>();
    if (probes.finalStep().isEmpty()) {
      return metrics;
    }
    long step = probes.finalStep().getAsLong();
    List<String> all = new ArrayList<>(probes.allMetrics());
    if (all.remove(COS_MEAN)) {
      all.add(0, COS_MEAN);
    }
    for (String m : all) {
      if (m.equals(COS_MEAN) || m.endsWith("_ci_lo") || m.endsWith("_ci_hi") || m.startsWith(RunFigures.FREQ_PREFIX)) {
        continue;  // cos_mean, its interval and the frequency groups have figures of their own
      }
      for (String hook : probes.depthHooks().values()) {
        if (probes.valueAt(hook, m, step).isPresent()) {
          metrics.add(m);
          break;
        }
      }
    }
    return metrics;
  }

  private static void finalMetricsPlot(RunData run, HtmlPage page) {
    Probes probes = run.probes;
    List<String> metrics = depthMetricsAtFinalStep(probes);
    if (metrics.isEmpty()) {
      page.note("No further metrics against depth: probes.csv has no metric besides cos_mean (and its interval "
          + "and frequency groups) for hook_embed or blocks.L.hook_resid_post (add some with probe.metrics).");
      return;
    }
    long step = probes.finalStep().getAsLong();
    boolean single = metrics.size() == 1;
    List<XYChart> panels = new ArrayList<>();
    List<String> ranges = new ArrayList<>();
    for (int m = 0; m < metrics.size(); m++) {
      String metric = metrics.get(m);
      TreeMap<Integer, Double> byDepth = new TreeMap<>();
      probes.depthHooks().forEach((d, hook) -> probes.valueAt(hook, metric, step).ifPresent(v -> byDepth.put(d, v)));
      MetricInfo info = MetricInfo.of(metric, byDepth.values(), run.facts().integer("model.d-model"),
          run.facts().integer("model.context"));
      XYChart c = Plots.chart(single ? metric + " against depth at step " + step : metric, "depth (0 = embedding)",
          metric, single ? Plots.WIDTH : Plots.PANEL_WIDTH, single ? Plots.HEIGHT : Plots.PANEL_HEIGHT);
      c.getStyler().setLegendVisible(false);
      Plots.integerXAxis(c);
      info.applyY(c);
      TreeMap<Integer, Double> lo = new TreeMap<>();
      TreeMap<Integer, Double> hi = new TreeMap<>();
      probes.depthHooks().forEach((d, hook) -> {
        probes.valueAt(hook, metric + "_ci_lo", step).ifPresent(v -> lo.put(d, v));
        probes.valueAt(hook, metric + "_ci_hi", step).ifPresent(v -> hi.put(d, v));
      });
      Plots.band(c, metric + " 95 %", lo, hi, Plots.categorical(m));
      if (Plots.line(c, metric, byDepth, Plots.categorical(m))) {
        panels.add(c);
        ranges.add(info.caption());
      }
    }
    if (panels.isEmpty()) {
      page.note("No data for the metrics-against-depth plot: every value at step " + step + " is NaN or infinite.");
      return;
    }
    page.figure(Plots.pngGrid(panels), "metrics against depth at step " + step,
        "Each further representation metric at the final probe step (" + step + ") against depth "
            + "(0 = hook_embed, L+1 = blocks.L.hook_resid_post); shaded where the metric has a 95 % bootstrap interval. "
            + "Axes: " + String.join("; ", ranges) + ".");
  }

  private static void finalTables(RunData run, HtmlPage page) {
    Probes probes = run.probes;
    if (probes.finalStep().isEmpty()) {
      page.note("No data for the final-step table: probes.csv has no rows.");
      return;
    }
    long step = probes.finalStep().getAsLong();

    // Representation metrics: rows = hooks in forward order (depth hooks carry their depth), columns = metrics.
    List<String> metrics = new ArrayList<>();
    List<String> all = new ArrayList<>(probes.allMetrics());
    if (all.remove(COS_MEAN)) {
      all.add(0, COS_MEAN);
    }
    List<String> hooks = new ArrayList<>();
    for (String hook : probes.hooks()) {
      boolean hookHasOne = false;
      for (String m : all) {
        if (!probes.perHeadMetrics().contains(m) && probes.valueAt(hook, m, step).isPresent()) {
          hookHasOne = true;
          if (!metrics.contains(m)) {
            metrics.add(m);
          }
        }
      }
      if (hookHasOne) {
        hooks.add(hook);
      }
    }
    metrics.sort((a, b) -> Integer.compare(all.indexOf(a), all.indexOf(b)));
    if (!hooks.isEmpty()) {
      page.paragraph("Representation metrics at step " + step + " (depth 0 = hook_embed, L+1 = blocks.L.hook_resid_post).");
      List<String> header = new ArrayList<>(List.of("depth", "hook"));
      header.addAll(metrics);
      List<List<Cell>> rows = new ArrayList<>();
      for (String hook : hooks) {
        List<Cell> row = new ArrayList<>();
        row.add(Hooks.depth(hook).isPresent() ? Cell.text(Integer.toString(Hooks.depth(hook).getAsInt())) : Cell.missing());
        row.add(Cell.text(hook));
        for (String m : metrics) {
          OptionalDouble v = probes.valueAt(hook, m, step);
          row.add(v.isPresent() ? Cell.number(v.getAsDouble()) : Cell.missing());
        }
        rows.add(row);
      }
      page.table(header, rows);
    }

    // Per-head metrics: rows = blocks, columns = metrics, each the mean over heads.
    List<String> headMetrics = new ArrayList<>();
    TreeMap<Integer, Map<String, Double>> byBlock = new TreeMap<>();
    for (String m : probes.allMetrics()) {
      if (!probes.perHeadMetrics().contains(m)) {
        continue;
      }
      probes.perLayer(m).forEach((layer, s) -> {
        Double v = s.get(step);
        if (v != null) {
          byBlock.computeIfAbsent(layer, l -> new LinkedHashMap<>()).put(m, v);
          if (!headMetrics.contains(m)) {
            headMetrics.add(m);
          }
        }
      });
    }
    List<String> preferred = new ArrayList<>(QK_METRICS);
    preferred.add(ATTN_ENTROPY);
    headMetrics.sort((a, b) -> Integer.compare(rank(preferred, a), rank(preferred, b)));
    if (!byBlock.isEmpty()) {
      page.paragraph("Attention metrics at step " + step + ", mean over heads.");
      List<String> header = new ArrayList<>(List.of("block"));
      header.addAll(headMetrics);
      List<List<Cell>> rows = new ArrayList<>();
      byBlock.forEach((layer, values) -> {
        List<Cell> row = new ArrayList<>();
        row.add(Cell.text(Integer.toString(layer)));
        for (String m : headMetrics) {
          Double v = values.get(m);
          row.add(v == null ? Cell.missing() : Cell.number(v));
        }
        rows.add(row);
      });
      page.table(header, rows);
    }
    if (hooks.isEmpty() && byBlock.isEmpty()) {
      page.note("No data for the final-step table at step " + step + ".");
    }
  }

  /**
   * Exponential moving average with the usual span convention ({@code alpha = 2 / (span + 1)}), bias-corrected
   * as in Adam so the first points are not pulled towards 0; non-finite values are skipped.
   */
  static TreeMap<Long, Double> ema(SortedMap<Long, Double> series, int span) {
    double alpha = 2.0 / (span + 1);
    double avg = 0;
    double weight = 0;
    TreeMap<Long, Double> out = new TreeMap<>();
    for (Map.Entry<Long, Double> e : series.entrySet()) {
      if (!Double.isFinite(e.getValue())) {
        continue;
      }
      avg = (1 - alpha) * avg + alpha * e.getValue();
      weight = (1 - alpha) * weight + alpha;
      out.put(e.getKey(), avg / weight);
    }
    return out;
  }

  /** Position of {@code name} in {@code order}; names not in it go last, in their own order (stable sort). */
  private static int rank(List<String> order, String name) {
    int i = order.indexOf(name);
    return i < 0 ? order.size() : i;
  }
}
