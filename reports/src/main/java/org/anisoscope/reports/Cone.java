package org.anisoscope.reports;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The cone, drawn: the saved probe vectors of one hook ({@code probe.cone-hook}) at the first and the last step
 * that has them, as a 2-D PCA scatter coloured by label, and the histogram of their pairwise cosines.
 *
 * <p>Files read (the probe's contract, see {@code ConeVectors} in core): {@code probes/step-<S>/<hook>.npy}
 * ({@code [N, d]} float32) and, when present, {@code probes/step-<S>/<hook>.labels.json}
 * ({@code {"kind", "ordered", "names": [...], "labels": [N ids, -1 = none]}}); without labels the cone is drawn in
 * one colour.
 */
final class Cone {
  static final String LABELS_SUFFIX = ".labels.json";
  /** The pairwise-cosine histogram uses at most this many vectors (an even stride): ~2 M pairs. */
  static final int MAX_PAIR_ROWS = 2048;
  static final int BINS = 100;
  private static final Pattern STEP_DIR = Pattern.compile("step-(\\d+)");

  /** One step's vectors and labels. */
  record Snapshot(long step, NpyFile vectors, Optional<Labels> labels) {}

  /** A label file's content. */
  record Labels(String kind, boolean ordered, List<String> names, int[] ids) {}

  final String hook;
  final Snapshot first;
  final Snapshot last;

  private Cone(String hook, Snapshot first, Snapshot last) {
    this.hook = hook;
    this.first = first;
    this.last = last;
  }

  /**
   * The cone of {@code runDir}: {@code preferred} (the run's {@code probe.cone-hook} when it names a hook) or else
   * the deepest {@code blocks.L.hook_resid_post} (else any hook) saved at two steps or more. Empty when none is.
   */
  static Optional<Cone> load(Path runDir, Optional<String> preferred) {
    Path probes = runDir.resolve("probes");
    if (!Files.isDirectory(probes)) {
      return Optional.empty();
    }
    TreeMap<Long, Path> steps = new TreeMap<>();
    try (Stream<Path> s = Files.list(probes)) {
      s.forEach(p -> {
        Matcher m = STEP_DIR.matcher(p.getFileName().toString());
        if (m.matches() && Files.isDirectory(p)) {
          steps.put(Long.parseLong(m.group(1)), p);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(probes + ": " + e.getMessage(), e);
    }
    // hook → steps that have its vectors
    TreeMap<String, List<Long>> hooks = new TreeMap<>(Hooks.FORWARD_ORDER);
    steps.forEach((step, dir) -> {
      try (Stream<Path> s = Files.list(dir)) {
        s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".npy"))
            .forEach(f -> hooks.computeIfAbsent(f.substring(0, f.length() - 4), h -> new ArrayList<>()).add(step));
      } catch (IOException e) {
        throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
      }
    });
    hooks.values().removeIf(l -> l.size() < 2);
    if (hooks.isEmpty()) {
      return Optional.empty();
    }
    String hook = preferred.filter(hooks::containsKey).orElse(null);
    if (hook == null) {
      for (String h : hooks.descendingKeySet()) {
        if (h.endsWith(".hook_resid_post")) {
          hook = h;
          break;
        }
      }
    }
    if (hook == null) {
      hook = hooks.lastKey();
    }
    List<Long> at = hooks.get(hook);
    long a = at.get(0);
    long b = at.get(at.size() - 1);
    return Optional.of(new Cone(hook, snapshot(steps.get(a), a, hook), snapshot(steps.get(b), b, hook)));
  }

  private static Snapshot snapshot(Path dir, long step, String hook) {
    NpyFile v = NpyFile.read(dir.resolve(hook + ".npy"));
    Path labels = dir.resolve(hook + LABELS_SUFFIX);
    return new Snapshot(step, v, Files.isRegularFile(labels) ? Optional.of(readLabels(labels, v.rows))
        : Optional.empty());
  }

  static Labels readLabels(Path file, int rows) {
    String expected = " (expected {\"kind\": ..., \"ordered\": true|false, \"names\": [...], \"labels\": [" + rows
        + " label ids, -1 = none]})";
    try {
      JsonElement root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
      if (!root.isJsonObject()) {
        throw new ReportException(file + ": not a JSON object" + expected);
      }
      JsonObject o = root.getAsJsonObject();
      if (!o.has("names") || !o.get("names").isJsonArray() || !o.has("labels") || !o.get("labels").isJsonArray()) {
        throw new ReportException(file + ": no names or labels array" + expected);
      }
      List<String> names = new ArrayList<>();
      o.getAsJsonArray("names").forEach(e -> names.add(e.getAsString()));
      JsonArray ids = o.getAsJsonArray("labels");
      if (ids.size() != rows) {
        throw new ReportException(file + ": " + ids.size() + " labels for " + rows + " vectors" + expected);
      }
      int[] out = new int[rows];
      for (int i = 0; i < rows; i++) {
        out[i] = ids.get(i).getAsInt();
        if (out[i] < -1 || out[i] >= names.size()) {
          throw new ReportException(file + ": label " + out[i] + " at position " + i + " is not -1 or an index "
              + "into the " + names.size() + " names" + expected);
        }
      }
      String kind = o.has("kind") ? o.get("kind").getAsString() : "label";
      boolean ordered = o.has("ordered") && o.get("ordered").getAsBoolean();
      return new Labels(kind, ordered, names, out);
    } catch (JsonParseException | IllegalStateException | UnsupportedOperationException | NumberFormatException e) {
      throw new ReportException(file + ": not a valid label file: " + e.getMessage() + expected);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Adds the cone section (scatter pair and histogram) to {@code page}. */
  void draw(HtmlPage page) {
    Pca.Result[] pca = new Pca.Result[2];
    List<XYChart> panels = new ArrayList<>();
    Snapshot[] both = {first, last};
    for (int k = 0; k < 2; k++) {
      Snapshot s = both[k];
      pca[k] = Pca.top2(Pca.secondMoment(s.vectors.data, s.vectors.rows, s.vectors.cols));
      panels.add(scatter(s, pca[k]));
    }
    page.figure(Plots.pngGrid(panels), "PCA scatter of " + hook + " at steps " + first.step + " and " + last.step,
        "The cone itself: each dot is one probe vector of " + hook + " (N = " + first.vectors.rows + ", d = "
            + first.vectors.cols + "), scaled to unit length and projected on the top two principal axes of its "
            + "uncentred second moment, at step " + first.step + " (left) and step " + last.step + " (right). Both "
            + "panels share the axes [−1, 1]; the grey circle is the unit sphere's outline. Isotropic vectors "
            + "scatter around the origin; vectors in a narrow cone sit in a cluster far from it along PC1. "
            + (first.labels.isPresent() ? "Colour: " + first.labels.get().kind() + "." : "No label file: one colour."));

    XYChart h = Plots.chart("Pairwise cosines of " + hook, "cosine of a pair of probe vectors",
        "density (fraction of pairs per unit cosine)", Plots.WIDTH, Plots.HEIGHT);
    h.getStyler().setXAxisMin(-1.0);
    h.getStyler().setXAxisMax(1.0);
    h.getStyler().setYAxisMin(0.0);
    h.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    Color[] colours = {new Color(0x7F7F7F), new Color(0xD62728)};
    String sampleNote = "";
    for (int k = 0; k < 2; k++) {
      Snapshot s = both[k];
      int n = s.vectors.rows;
      int stride = (n + MAX_PAIR_ROWS - 1) / MAX_PAIR_ROWS;
      int m = (n + stride - 1) / stride;
      float[] sample = new float[m * s.vectors.cols];
      for (int i = 0; i < m; i++) {
        System.arraycopy(s.vectors.data, i * stride * s.vectors.cols, sample, i * s.vectors.cols, s.vectors.cols);
      }
      if (stride > 1) {
        sampleNote = " Pairs among every " + stride + "th vector (" + m + " of " + n + ").";
      }
      long[] counts = Pca.pairwiseCosineHistogram(sample, m, s.vectors.cols, BINS);
      long total = 0;
      double sum = 0;
      for (int b = 0; b < BINS; b++) {
        total += counts[b];
        sum += counts[b] * (-1 + (b + 0.5) * 2.0 / BINS);
      }
      double[] xs = new double[2 * BINS];
      double[] ys = new double[2 * BINS];
      double width = 2.0 / BINS;
      for (int b = 0; b < BINS; b++) {
        double density = total == 0 ? 0 : counts[b] / (double) total / width;
        xs[2 * b] = -1 + b * width;
        xs[2 * b + 1] = -1 + (b + 1) * width;
        ys[2 * b] = density;
        ys[2 * b + 1] = density;
      }
      String name = "step " + s.step + " (mean " + Fmt.fixed(total == 0 ? Double.NaN : sum / total, 3) + ")";
      XYSeries series = h.addSeries(name, xs, ys);
      series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
      Color c = colours[k];
      series.setFillColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 70));
      series.setLineColor(c);
      series.setLineStyle(new BasicStroke(1.4f));
      series.setMarker(SeriesMarkers.NONE);
    }
    page.figure(Plots.png(h), "histogram of pairwise cosines at steps " + first.step + " and " + last.step,
        "The distribution behind cos_mean: the cosine of every pair of probe vectors of " + hook + " at step "
            + first.step + " and step " + last.step + " (area 1 each; the mean, in the legend, is cos_mean up "
            + "to the bin width). Isotropic vectors give a narrow peak at 0; anisotropy shifts the whole "
            + "distribution to the right." + sampleNote);
  }

  private XYChart scatter(Snapshot s, Pca.Result pca) {
    int size = Plots.PANEL_WIDTH;
    XYChart c = Plots.chart("step " + s.step, "PC1 (" + pct(pca.share()[0]) + " of Σ uuᵀ)",
        "PC2 (" + pct(pca.share()[1]) + ")", size, size + 60);
    c.getStyler().setXAxisMin(-1.0);
    c.getStyler().setXAxisMax(1.0);
    c.getStyler().setYAxisMin(-1.0);
    c.getStyler().setYAxisMax(1.0);
    c.getStyler().setXAxisTickMarkSpacingHint(60);
    c.getStyler().setYAxisTickMarkSpacingHint(60);
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    c.getStyler().setMarkerSize(3);
    c.getStyler().setAnnotationLineColor(new Color(0xC8C8C8));
    c.getStyler().setAnnotationLineStroke(new BasicStroke(1f));
    c.addAnnotation(new AnnotationLine(0, true, false));
    c.addAnnotation(new AnnotationLine(0, false, false));
    double[] cx = new double[181];
    double[] cy = new double[181];
    for (int i = 0; i <= 180; i++) {
      cx[i] = Math.cos(2 * Math.PI * i / 180);
      cy[i] = Math.sin(2 * Math.PI * i / 180);
    }
    XYSeries circle = c.addSeries("unit circle", cx, cy);
    circle.setLineColor(new Color(0xBBBBBB));
    circle.setLineStyle(new BasicStroke(1f));
    circle.setMarker(SeriesMarkers.NONE);
    circle.setShowInLegend(false);

    double[][] p = Pca.project(s.vectors.data, s.vectors.rows, s.vectors.cols, pca.axes());
    if (s.labels.isEmpty()) {
      Plots.scatter(c, "probe vectors", p[0], p[1], Plots.categorical(0), 110);
      c.getStyler().setLegendVisible(false);
      return c;
    }
    Labels l = s.labels.get();
    // unlabelled first (underneath), then each label
    for (int id = -1; id < l.names().size(); id++) {
      List<Integer> rows = new ArrayList<>();
      for (int i = 0; i < l.ids().length; i++) {
        if (l.ids()[i] == id) {
          rows.add(i);
        }
      }
      if (rows.isEmpty()) {
        continue;
      }
      double[] xs = new double[rows.size()];
      double[] ys = new double[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        xs[i] = p[0][rows.get(i)];
        ys[i] = p[1][rows.get(i)];
      }
      Color col = id < 0 ? new Color(0xB0B0B0) : l.ordered() ? Plots.ordered(id, Math.max(2, l.names().size()))
          : Plots.categorical(id);
      Plots.scatter(c, (id < 0 ? "no label" : l.names().get(id)) + " (" + rows.size() + ")", xs, ys, col, 120);
    }
    return c;
  }

  private static String pct(double share) {
    return Fmt.fixed(100 * share, 1) + " %";
  }
}
