package org.anisoscope.reports;

import org.anisoscope.reports.HtmlPage.Cell;
import java.awt.Color;

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
 * Several runs side by side — of any objective, tokenizer, modality or code base, as long as their
 * {@code probes.csv} follows the run directory contract: a terminal table (final {@code cos_mean} per depth and
 * final validation loss), {@code compare.csv} (every depth metric at each run's final step with its interval), and
 * an HTML page ({@link CompareFigures}): {@code cos_mean} against <em>normalised</em> depth (depth / the run's
 * deepest depth, so models of different depth align) with its 95 % band, one line per run; the same for other
 * metrics; the deepest layer over training progress (step / the run's last probe step); and the final values with
 * intervals as a table. Every run keeps one colour in every chart.
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
    return write(outDir, runs, List.of());
  }

  /**
   * As {@link #write(Path, List)}, drawing {@code metrics} against normalised depth besides {@code cos_mean}
   * (empty: every representation metric some run has at its depth hooks).
   *
   * @throws ReportException when a path is not a run directory, a CSV file in it is malformed, or no run has one
   *     of {@code metrics}
   */
  public static String write(Path outDir, List<Path> runs, List<String> metrics) {
    List<Entry> entries = load(runs);
    List<String> drawn = CompareFigures.metrics(entries, metrics);
    HtmlPage.writeAtomically(outDir.resolve(CSV), CompareFigures.csv(entries, drawn));
    HtmlPage.writeAtomically(outDir.resolve(INDEX), html(entries, drawn));
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
  record Entry(String name, RunData run, SortedMap<Integer, Double> finalCos, Color colour) {}

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
      entries.add(new Entry(name, r, finalCos(r.probes), Plots.categorical(i)));
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

  private static String html(List<Entry> entries, List<String> metrics) {
    HtmlPage page = new HtmlPage("anisoscope comparison: " + entries.size() + " runs");
    page.h2("Runs");
    page.paragraph("Each run keeps its colour in every chart below.");
    CompareFigures.runsTable(entries, page);

    page.h2("cos_mean against normalised depth");
    CompareFigures.againstDepth(entries, RunReport.COS_MEAN, page, true);
    page.h2("Over training");
    CompareFigures.overTraining(entries, page);
    if (!metrics.isEmpty()) {
      page.h2("Other metrics against normalised depth");
      for (String m : metrics) {
        CompareFigures.againstDepth(entries, m, page, false);
      }
    }
    page.h2("Final values");
    CompareFigures.finalTable(entries, metrics, page);
    page.paragraph("The same values, per depth, are in " + CSV + " beside this page (long format: "
        + CompareFigures.CSV_HEADER + ").");

    for (Entry e : entries) {
      for (String note : e.run.notes()) {
        page.note(e.name + ": " + note);
      }
    }
    return page.html();
  }
}
