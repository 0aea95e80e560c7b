package org.anisoscope.reports;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The anisotropy figures of one run's report: {@code cos_mean} against depth (one line per probe step) and over
 * training (one line per depth), each with its 95 % bootstrap interval as a shaded band; the depth × step heat
 * map; the token-frequency groups on one chart; and the per-head attention metrics. Cosine-type metrics are drawn
 * on a fixed axis ({@link MetricInfo}), so a small change looks small.
 */
final class RunFigures {
  static final String COS = RunReport.COS_MEAN;
  static final String LO = "cos_mean_ci_lo";
  static final String HI = "cos_mean_ci_hi";
  static final String FREQ_PREFIX = "cos_mean_freq_q";
  /** At most this many probe steps get a line in "against depth" (evenly spaced, first and last always). */
  static final int MAX_STEP_LINES = 8;

  private RunFigures() {}

  static void cosAgainstDepth(RunData run, HtmlPage page) {
    Probes p = run.probes;
    SortedMap<Integer, String> depths = p.depthHooks();
    List<Long> steps = new ArrayList<>();
    for (long s : p.steps()) {
      for (String hook : depths.values()) {
        if (p.valueAt(hook, COS, s).isPresent()) {
          steps.add(s);
          break;
        }
      }
    }
    if (steps.isEmpty()) {
      page.note("No data for the cos_mean plots: probes.csv has no cos_mean rows for hook_embed or "
          + "blocks.L.hook_resid_post.");
      return;
    }
    List<Long> shown = Plots.evenlySpaced(steps, MAX_STEP_LINES);
    XYChart c = Plots.chart("cos_mean against depth", "depth (0 = embedding, L+1 = output of block L)",
        "cos_mean (mean pairwise cosine)", Plots.WIDTH, Plots.HEIGHT);
    Plots.integerXAxis(c);
    List<Double> all = new ArrayList<>();
    boolean anyBand = false;
    double widest = Double.NaN;
    for (int i = 0; i < shown.size(); i++) {
      long step = shown.get(i);
      Color col = Plots.sequential(i, shown.size());
      TreeMap<Integer, Double> y = new TreeMap<>();
      TreeMap<Integer, Double> lo = new TreeMap<>();
      TreeMap<Integer, Double> hi = new TreeMap<>();
      depths.forEach((d, hook) -> {
        p.valueAt(hook, COS, step).ifPresent(v -> y.put(d, v));
        p.valueAt(hook, LO, step).ifPresent(v -> lo.put(d, v));
        p.valueAt(hook, HI, step).ifPresent(v -> hi.put(d, v));
      });
      all.addAll(y.values());
      all.addAll(lo.values());
      anyBand |= Plots.band(c, "step " + step + " 95 %", lo, hi, col);
      widest = maxOf(widest, Plots.widestHalfWidth(lo, hi));
      Plots.line(c, "step " + step, y, col);
    }
    MetricInfo info = MetricInfo.of(COS, all, run.facts().integer("model.d-model"), OptionalInt.empty());
    info.applyY(c);
    page.figure(Plots.png(c), "cos_mean against depth, one line per probe step",
        "How anisotropic each depth is, and how that profile changes with training (the paper's figure): mean "
            + "pairwise cosine of the probe vectors against depth, one line per probe step (dark = early, "
            + "light = late" + (shown.size() < steps.size() ? "; " + shown.size() + " of " + steps.size()
            + " probe steps, evenly spaced" : "") + ")" + (anyBand ? ", shaded: 95 % bootstrap interval over "
            + "probe sequences" + Plots.widestNote(widest) : "") + ". Fixed axis " + Fmt.num(info.lo()) + " … 1: 0 = isotropic, 1 = one "
            + "direction.");
  }

  static void cosOverTraining(RunData run, HtmlPage page) {
    Probes p = run.probes;
    SortedMap<Integer, String> depths = p.depthHooks();
    XYChart c = Plots.chart("cos_mean over training", "step", "cos_mean (mean pairwise cosine)", Plots.WIDTH,
        Plots.HEIGHT);
    List<Double> all = new ArrayList<>();
    boolean any = false;
    boolean anyBand = false;
    double widest = Double.NaN;
    int i = 0;
    for (Map.Entry<Integer, String> e : depths.entrySet()) {
      Color col = Plots.sequential(i++, depths.size());
      String name = "depth " + Hooks.depthLabel(e.getKey());
      SortedMap<Long, Double> y = p.series(e.getValue(), COS);
      all.addAll(y.values());
      anyBand |= Plots.band(c, name + " 95 %", p.series(e.getValue(), LO), p.series(e.getValue(), HI), col);
      widest = maxOf(widest, Plots.widestHalfWidth(p.series(e.getValue(), LO), p.series(e.getValue(), HI)));
      any |= Plots.line(c, name, y, col);
    }
    if (!any) {
      return; // cosAgainstDepth has said why
    }
    MetricInfo.of(COS, all, run.facts().integer("model.d-model"), OptionalInt.empty()).applyY(c);
    page.figure(Plots.png(c), "cos_mean over training, one line per depth",
        "When anisotropy appears: cos_mean of each depth against the training step (dark = embedding, light = "
            + "last block)" + (anyBand ? ", shaded: 95 % bootstrap interval" + Plots.widestNote(widest) : "")
            + ". Fixed axis.");
  }

  static void cosHeatmap(RunData run, HtmlPage page) {
    Probes p = run.probes;
    SortedMap<Integer, String> depths = p.depthHooks();
    List<Long> steps = p.steps();
    if (depths.isEmpty() || steps.isEmpty()) {
      return;
    }
    double[][] v = new double[depths.size()][steps.size()];
    List<String> rows = new ArrayList<>();
    double min = 0;
    boolean any = false;
    int r = 0;
    for (Map.Entry<Integer, String> e : depths.entrySet()) {
      rows.add(e.getKey() == 0 ? "0 (embed)" : "depth " + e.getKey());
      for (int s = 0; s < steps.size(); s++) {
        v[r][s] = p.valueAt(e.getValue(), COS, steps.get(s)).orElse(Double.NaN);
        if (Double.isFinite(v[r][s])) {
          any = true;
          min = Math.min(min, v[r][s]);
        }
      }
      r++;
    }
    if (!any) {
      return;
    }
    List<String> cols = new ArrayList<>();
    steps.forEach(s -> cols.add(Long.toString(s)));
    double lo = min < -0.1 ? -1 : min < 0 ? -0.1 : 0;
    page.figure(Heatmap.png("cos_mean: depth × probe step", "probe step", "depth", v, rows, cols, lo, 1, "cos_mean"),
        "heat map of cos_mean, depth by probe step",
        "All cos_mean values at once: one cell per depth (rows, embedding at the bottom) and probe step (columns, "
            + "equally spaced whatever the step gap), on a fixed colour scale " + Fmt.num(lo) + " … 1 (grey: "
            + "no finite value).");
  }

  static void frequencyGroups(RunData run, HtmlPage page) {
    Probes p = run.probes;
    List<String> groups = new ArrayList<>();
    for (String m : p.allMetrics()) {
      if (m.startsWith(FREQ_PREFIX)) {
        groups.add(m);
      }
    }
    groups.sort((a, b) -> Integer.compare(groupIndex(a), groupIndex(b)));
    SortedMap<Integer, String> depths = p.depthHooks();
    if (groups.isEmpty() || depths.isEmpty() || p.finalStep().isEmpty()) {
      page.note("No token-frequency groups: probes.csv has no cos_mean_freq_q* rows (probe.frequency-groups = 0, or "
          + "a modality without tokens).");
      return;
    }
    long step = p.finalStep().getAsLong();
    String deepest = depths.get(depths.lastKey());
    XYChart byDepth = Plots.chart("against depth at step " + step, "depth (0 = embedding)", "cos_mean",
        Plots.PANEL_WIDTH, Plots.PANEL_HEIGHT + 60);
    XYChart overTraining = Plots.chart("depth " + depths.lastKey() + " over training", "step", "cos_mean",
        Plots.PANEL_WIDTH, Plots.PANEL_HEIGHT + 60);
    Plots.integerXAxis(byDepth);
    List<Double> all = new ArrayList<>();
    for (XYChart c : List.of(byDepth, overTraining)) {
      c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
      c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    }
    List<String> empty = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      String metric = groups.get(g);
      Color col = Plots.ordered(groupIndex(metric) - 1, Math.max(groups.size(), 2));
      String name = "q" + groupIndex(metric) + (g == 0 ? " (frequent)" : g == groups.size() - 1 ? " (rare)" : "");
      TreeMap<Integer, Double> y = new TreeMap<>();
      depths.forEach((d, hook) -> p.valueAt(hook, metric, step).ifPresent(v -> y.put(d, v)));
      all.addAll(y.values());
      all.addAll(p.series(deepest, metric).values());
      boolean drawn = Plots.line(byDepth, name, y, col);
      drawn |= Plots.line(overTraining, name, p.series(deepest, metric), col);
      if (!drawn) {
        empty.add("q" + groupIndex(metric));
      }
    }
    // all positions, for reference
    TreeMap<Integer, Double> overall = new TreeMap<>();
    depths.forEach((d, hook) -> p.valueAt(hook, COS, step).ifPresent(v -> overall.put(d, v)));
    for (XYChart c : List.of(byDepth, overTraining)) {
      boolean added = c == byDepth ? Plots.line(c, "all", overall, Color.BLACK)
          : Plots.line(c, "all", p.series(deepest, COS), Color.BLACK);
      if (added) {
        c.getSeriesMap().get("all").setLineStyle(new BasicStroke(1.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND,
            10f, new float[] {5f, 4f}, 0f));
      }
    }
    all.addAll(overall.values());
    MetricInfo info = MetricInfo.of(COS, all, run.facts().integer("model.d-model"), OptionalInt.empty());
    info.applyY(byDepth);
    info.applyY(overTraining);
    page.figure(Plots.pngGrid(List.of(byDepth, overTraining)), "cos_mean per token-frequency group",
        "Is anisotropy a rare-token effect? cos_mean among the positions whose input token is in each fifth of "
            + "the vocabulary ranked by training frequency (q1 most frequent, dark blue; q" + groups.size() + " rarest, "
            + "orange; the same colours as the cone), against depth at the final step (left) and over training at depth " + depths.lastKey()
            + " (right); dashed: all positions. Fixed axis." + (empty.isEmpty() ? "" : " No line for "
            + String.join(", ", empty) + ": fewer than two probe positions have a token of that group (a small "
            + "vocabulary's rare types may not occur in the probe set)."));
  }

  static double maxOf(double a, double b) {
    return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
  }

  private static int groupIndex(String metric) {
    try {
      return Integer.parseInt(metric.substring(FREQ_PREFIX.length()));
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  /** Per-head metrics, one figure each: a panel per block, a line per head, over training, shared y axis. */
  static void perHead(RunData run, HtmlPage page) {
    Probes p = run.probes;
    boolean any = false;
    String[][] figures = {
        {"qk_mean_cos", "Query/key drift: cosine between the mean query and the mean key of each head (Godey et "
            + "al. 2024). Near ±1, q·k gains a common term for every query–key pair."},
        {"q_mean_norm", "Norm of the mean query vector of each head: how far the queries have drifted from the "
            + "origin along a shared direction."},
        {"k_mean_norm", "Norm of the mean key vector of each head."},
        {"attn_entropy", "Attention entropy of each head (mean over queries of −Σ a ln a): lower = sharper "
            + "attention."}};
    for (String[] f : figures) {
      String metric = f[0];
      SortedMap<Integer, TreeMap<Integer, TreeMap<Long, Double>>> byLayer = p.perHead(metric);
      if (byLayer.isEmpty()) {
        continue;
      }
      List<Double> all = new ArrayList<>();
      byLayer.values().forEach(h -> h.values().forEach(s -> all.addAll(s.values())));
      MetricInfo info = MetricInfo.of(metric, all, run.facts().integer("model.d-model"),
          run.facts().integer("model.context"));
      double max = Double.NEGATIVE_INFINITY;
      double min = Double.POSITIVE_INFINITY;
      for (double v : all) {
        if (Double.isFinite(v)) {
          max = Math.max(max, v);
          min = Math.min(min, v);
        }
      }
      List<XYChart> panels = new ArrayList<>();
      for (Map.Entry<Integer, TreeMap<Integer, TreeMap<Long, Double>>> e : byLayer.entrySet()) {
        XYChart c = Plots.chart("block " + e.getKey(), "step", metric, Plots.PANEL_WIDTH, Plots.PANEL_HEIGHT + 30);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        boolean drawn = false;
        for (Map.Entry<Integer, TreeMap<Long, Double>> h : e.getValue().entrySet()) {
          drawn |= Plots.line(c, "head " + h.getKey(), h.getValue(), Plots.categorical(h.getKey()));
        }
        if (drawn) {
          info.applyY(c);
          if (Double.isFinite(max) && !info.fixed()) {
            // the same y range in every panel of the figure, so blocks compare at a glance
            double pad = 0.05 * Math.max(max - min, Math.abs(max) * 0.1 + 1e-9);
            if (Double.isNaN(info.lo())) {
              c.getStyler().setYAxisMin(min - pad);
            }
            c.getStyler().setYAxisMax(max + pad);
          }
          panels.add(c);
        }
      }
      if (!panels.isEmpty()) {
        any = true;
        page.figure(Plots.pngGrid(panels), metric + " per head, one panel per block",
            f[1] + " One panel per block, one line per head, the same y axis in every panel; " + info.caption()
                + ".");
      }
    }
    if (!any) {
      page.note("No per-head data: probes.csv has no q_mean_norm, k_mean_norm, qk_mean_cos or attn_entropy rows "
          + "(probe.hooks without blocks.*.attn.hook_q/hook_k/hook_pattern, or model.attention = none).");
    }
  }
}
