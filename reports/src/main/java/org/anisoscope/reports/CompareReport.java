package org.anisoscope.reports;

import org.anisoscope.files.Csv;

import org.anisoscope.reports.HtmlPage.Cell;
import org.knowm.xchart.XYChart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Several runs side by side: final {@code cos_mean} per depth and final validation loss per run, as a terminal
 * table, as {@code compare.csv} (long format {@code run,depth,hook,cos_mean}) and as an HTML page with two
 * overlays: final {@code cos_mean} against depth, and the last layer's {@code cos_mean} against training progress
 * (step / the run's last probe step, so runs of different length line up).
 *
 * <p>"Final" is each run's last probe step. Run names are the directory names; when two runs share a name, the
 * path as given is used instead.
 */
public final class CompareReport {
  public static final String INDEX = "index.html";
  public static final String CSV = "compare.csv";

  private CompareReport() {}

  /**
   * Writes {@code outDir/index.html} and {@code outDir/compare.csv} (each atomically) and returns the same text
   * as {@link #table}.
   *
   * @throws ReportException when a path is not a run directory or a CSV file in it is malformed
   */
  public static String write(Path outDir, List<Path> runs) {
    List<Entry> entries = load(runs);
    HtmlPage.writeAtomically(outDir.resolve(CSV), csv(entries));
    HtmlPage.writeAtomically(outDir.resolve(INDEX), html(entries));
    return textTable(entries);
  }

  /**
   * A plain-text table for a terminal: one row per run, one column per depth ({@code d0} = hook_embed) with the
   * final {@code cos_mean}, then the final validation loss; "-" where a run has no value.
   */
  public static String table(List<Path> runs) {
    return textTable(load(runs));
  }

  /** One run: its display name, data, and final cos_mean per depth (depth → value). */
  private record Entry(String name, RunData run, SortedMap<Integer, Double> finalCos) {}

  private static List<Entry> load(List<Path> runs) {
    if (runs.isEmpty()) {
      throw new ReportException("no run directories to compare (expected at least one runs/<name>/)");
    }
    List<RunData> data = new ArrayList<>();
    Map<String, Integer> nameCount = new HashMap<>();
    for (Path p : runs) {
      RunData r = RunData.load(p);
      data.add(r);
      nameCount.merge(r.name, 1, Integer::sum);
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      RunData r = data.get(i);
      String name = nameCount.get(r.name) > 1 ? runs.get(i).toString() : r.name;
      entries.add(new Entry(name, r, finalCos(r.probes)));
    }
    return entries;
  }

  private static SortedMap<Integer, Double> finalCos(Probes probes) {
    TreeMap<Integer, Double> m = new TreeMap<>();
    probes.finalStep().ifPresent(step -> probes.depthHooks().forEach(
        (d, hook) -> probes.valueAt(hook, RunReport.COS_MEAN, step).ifPresent(v -> m.put(d, v))));
    return m;
  }

  private static int maxDepth(List<Entry> entries) {
    int max = -1;
    for (Entry e : entries) {
      if (!e.finalCos.isEmpty()) {
        max = Math.max(max, e.finalCos.lastKey());
      }
    }
    return max;
  }

  private static String textTable(List<Entry> entries) {
    int maxDepth = maxDepth(entries);
    List<List<String>> cells = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("run"));
    for (int d = 0; d <= maxDepth; d++) {
      header.add("d" + d);
    }
    header.add("val_loss");
    cells.add(header);
    for (Entry e : entries) {
      List<String> row = new ArrayList<>(List.of(e.name));
      for (int d = 0; d <= maxDepth; d++) {
        Double v = e.finalCos.get(d);
        row.add(v == null ? "-" : Fmt.fixed(v, 4));
      }
      OptionalDouble val = e.run.finalValLoss();
      row.add(val.isPresent() ? Fmt.fixed(val.getAsDouble(), 4) : "-");
      cells.add(row);
    }
    int[] width = new int[header.size()];
    for (List<String> row : cells) {
      for (int c = 0; c < row.size(); c++) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    StringBuilder b = new StringBuilder();
    b.append("final cos_mean per depth (d0 = hook_embed, dL+1 = blocks.L.hook_resid_post) and final val loss\n");
    for (List<String> row : cells) {
      for (int c = 0; c < row.size(); c++) {
        String s = row.get(c);
        // run names left-aligned, numbers right-aligned
        b.append(c == 0 ? s + " ".repeat(width[c] - s.length()) : "  " + " ".repeat(width[c] - s.length()) + s);
      }
      b.append('\n');
    }
    return b.toString();
  }

  private static String csv(List<Entry> entries) {
    List<List<?>> rows = new ArrayList<>();
    for (Entry e : entries) {
      e.finalCos.forEach((d, v) -> rows.add(List.of(e.name, d, Hooks.atDepth(d), v)));
    }
    return Csv.table(List.of("run", "depth", "hook", "cos_mean"), rows);
  }

  private static String html(List<Entry> entries) {
    HtmlPage page = new HtmlPage("anisoscope comparison: " + entries.size() + " runs");
    int maxDepth = maxDepth(entries);

    page.h2("Final cos_mean per depth");
    List<String> header = new ArrayList<>(List.of("run"));
    for (int d = 0; d <= maxDepth; d++) {
      header.add("depth " + d);
    }
    header.add("final val loss");
    header.add("last probe step");
    List<List<Cell>> rows = new ArrayList<>();
    for (Entry e : entries) {
      List<Cell> row = new ArrayList<>(List.of(Cell.text(e.name)));
      for (int d = 0; d <= maxDepth; d++) {
        Double v = e.finalCos.get(d);
        row.add(v == null ? Cell.missing() : Cell.number(v));
      }
      OptionalDouble val = e.run.finalValLoss();
      row.add(val.isPresent() ? Cell.number(val.getAsDouble()) : Cell.missing());
      row.add(e.run.probes.finalStep().isPresent()
          ? Cell.text(Long.toString(e.run.probes.finalStep().getAsLong())) : Cell.missing());
      rows.add(row);
    }
    page.table(header, rows);

    XYChart byDepth = Plots.chart("Final cos_mean against depth", "depth (0 = embedding)", "cos_mean", Plots.WIDTH,
        Plots.HEIGHT);
    Plots.integerXAxis(byDepth);
    XYChart byProgress = Plots.chart("Last layer cos_mean over training", "training progress (step / last probe step)",
        "cos_mean of the last depth", Plots.WIDTH, Plots.HEIGHT);
    byProgress.getStyler().setXAxisDecimalPattern("0.##");
    byProgress.getStyler().setXAxisMin(0.0);
    byProgress.getStyler().setXAxisMax(1.0);
    boolean anyDepth = false;
    boolean anyProgress = false;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      anyDepth |= Plots.line(byDepth, e.name, e.finalCos, Plots.categorical(i));
      anyProgress |= Plots.line(byProgress, e.name, lastLayerProgress(e.run.probes), Plots.categorical(i));
    }
    if (anyDepth) {
      page.figure(Plots.png(byDepth), "final cos_mean against depth per run",
          "Each run's cos_mean at its last probe step, against depth (0 = hook_embed, L+1 = blocks.L.hook_resid_post).");
    } else {
      page.note("No data for the depth plot: no run has cos_mean rows at its last probe step.");
    }
    page.h2("Last layer over training");
    if (anyProgress) {
      page.figure(Plots.png(byProgress), "last layer cos_mean against training progress per run",
          "cos_mean of each run's deepest blocks.L.hook_resid_post against step / its last probe step.");
    } else {
      page.note("No data for the progress plot: no run has cos_mean rows for a block output.");
    }

    page.h2("Runs");
    Map<String, String> dirs = new LinkedHashMap<>();
    for (Entry e : entries) {
      dirs.put(e.name, e.run.dir.toAbsolutePath().normalize().toString());
    }
    page.keyValues(dirs);
    for (Entry e : entries) {
      for (String note : e.run.notes()) {
        page.note(e.name + ": " + note);
      }
    }
    return page.html();
  }

  /** progress in [0, 1] → cos_mean of the deepest depth hook (the embedding when the run has no block output). */
  private static Map<Double, Double> lastLayerProgress(Probes probes) {
    Map<Double, Double> m = new LinkedHashMap<>();
    if (probes.depthHooks().isEmpty() || probes.finalStep().isEmpty()) {
      return m;
    }
    String hook = probes.depthHooks().get(probes.depthHooks().lastKey());
    double last = probes.finalStep().getAsLong();
    probes.series(hook, RunReport.COS_MEAN).forEach((step, v) -> m.put(last == 0 ? 0 : step / last, v));
    return m;
  }
}
