package org.anisoscope.reports;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

/** XChart line charts in one house style, rendered to PNG. */
final class Plots {
  static final int WIDTH = 800;
  static final int HEIGHT = 450;
  /** One panel of a small-multiples grid: two per row make one full-width figure. */
  static final int PANEL_WIDTH = 400;
  static final int PANEL_HEIGHT = 300;
  /** Above this many points a series is drawn as a line without markers. */
  private static final int MAX_MARKED_POINTS = 60;
  /**
   * Above this many points a series is thinned for drawing: 800 pixels cannot show more, and XChart slows down
   * badly on 100k-point series (a long run's train.csv).
   */
  static final int MAX_DRAWN_POINTS = 4000;

  static {
    // Rendering PNGs needs no display; without this a server with no X11 fails in AWT.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  // viridis (matplotlib), stops at 0, 1/8, ..., 1; sequential so that colour encodes depth.
  private static final int[] VIRIDIS = {
      0x440154, 0x46327E, 0x365C8D, 0x277F8E, 0x1FA187, 0x4AC16D, 0x9FDA3A, 0xD2E21B, 0xFDE725};
  // Tableau 10: distinguishable categorical colours for runs and for unrelated series.
  private static final int[] TAB10 = {
      0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD, 0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF};

  private Plots() {}

  static XYChart chart(String title, String xTitle, String yTitle, int width, int height) {
    XYChart c = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
        .build();
    XYStyler s = c.getStyler();
    s.setLocale(Locale.ROOT);
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotBorderVisible(true);
    s.setPlotBorderColor(new Color(0xB0B0B0));
    s.setPlotGridLinesColor(new Color(0xE4E4E4));
    s.setPlotGridLinesStroke(new BasicStroke(1f));
    s.setAxisTicksLineVisible(false);
    s.setAxisTicksMarksVisible(false);
    s.setYAxisLabelAlignment(AxesChartStyler.TextAlignment.Right);
    // With Locale.ROOT: '.' as decimal point, and a leading zero ("0.02", not XChart's ".02"). Not a formatting
    // function: XChart then puts the ticks at the data points instead of at round numbers.
    s.setXAxisDecimalPattern("0.######");
    s.setYAxisDecimalPattern("0.######");
    s.setChartTitleBoxVisible(false);
    s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, width < WIDTH ? 13 : 15));
    s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    s.setLegendPosition(Styler.LegendPosition.OutsideE);
    s.setLegendBorderColor(Color.WHITE);
    s.setLegendBackgroundColor(Color.WHITE);
    s.setMarkerSize(5);
    s.setChartPadding(8);
    // At least ~90 px between x ticks: step labels such as "120000" never run into each other, at any run length.
    s.setXAxisTickMarkSpacingHint(90);
    s.setYAxisTickMarkSpacingHint(45);
    return c;
  }

  /**
   * A shaded band between {@code lo} and {@code hi} (x → value, the same x in both; non-finite points left out),
   * drawn as a translucent polygon in {@code color} and kept out of the legend. Add it before its line so the line
   * is drawn on top. Returns false, adding nothing, when fewer than two points have both ends.
   */
  static boolean band(XYChart c, String name, Map<? extends Number, ? extends Number> lo,
      Map<? extends Number, ? extends Number> hi, Color color) {
    List<double[]> pts = new ArrayList<>();
    lo.forEach((x, l) -> {
      Number h = hi.get(x);
      if (h != null && Double.isFinite(x.doubleValue()) && Double.isFinite(l.doubleValue())
          && Double.isFinite(h.doubleValue())) {
        pts.add(new double[] {x.doubleValue(), l.doubleValue(), h.doubleValue()});
      }
    });
    if (pts.size() < 2) {
      return false;
    }
    pts.sort((a, b) -> Double.compare(a[0], b[0]));
    int n = pts.size();
    double[] xs = new double[2 * n + 1];
    double[] ys = new double[2 * n + 1];
    for (int i = 0; i < n; i++) {
      xs[i] = pts.get(i)[0];
      ys[i] = pts.get(i)[2];
      xs[2 * n - 1 - i] = pts.get(i)[0];
      ys[2 * n - 1 - i] = pts.get(i)[1];
    }
    xs[2 * n] = xs[0];
    ys[2 * n] = ys[0];
    XYSeries s = c.addSeries(name, xs, ys);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
    Color fill = new Color(color.getRed(), color.getGreen(), color.getBlue(), 55);
    s.setFillColor(fill);
    s.setLineColor(new Color(0, 0, 0, 0));
    s.setLineStyle(new BasicStroke(0f));
    s.setMarker(SeriesMarkers.NONE);
    s.setShowInLegend(false);
    return true;
  }

  /**
   * The widest half-width (hi − lo) / 2 over the x values that {@code lo} and {@code hi} share, NaN when none: the
   * captions say it, because a band narrower than its line is invisible and the reader should know why.
   */
  static double widestHalfWidth(Map<? extends Number, ? extends Number> lo, Map<? extends Number, ? extends Number> hi) {
    double w = Double.NaN;
    for (Map.Entry<? extends Number, ? extends Number> e : lo.entrySet()) {
      Number h = hi.get(e.getKey());
      if (h != null && Double.isFinite(h.doubleValue()) && Double.isFinite(e.getValue().doubleValue())) {
        double half = (h.doubleValue() - e.getValue().doubleValue()) / 2;
        w = Double.isNaN(w) ? half : Math.max(w, half);
      }
    }
    return w;
  }

  /** "; the widest is ±0.0123" for a caption, or "" when there is no interval. */
  static String widestNote(double halfWidth) {
    return Double.isNaN(halfWidth) ? "" : " (the widest is ±" + Fmt.fixed(halfWidth, 4)
        + (halfWidth < 0.004 ? ", thinner than the line" : "") + ")";
  }

  /** A scatter series of points {@code (xs[i], ys[i])}, small translucent dots. */
  static void scatter(XYChart c, String name, double[] xs, double[] ys, Color color, int alpha) {
    XYSeries s = c.addSeries(name, xs, ys);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarker(SeriesMarkers.CIRCLE);
    s.setMarkerColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), alpha));
  }

  /**
   * At most {@code max} of {@code values}, evenly spaced, always the first and the last: which probe steps get a
   * line when a run has many.
   */
  static <T> List<T> evenlySpaced(List<T> values, int max) {
    if (values.size() <= max) {
      return values;
    }
    List<T> out = new ArrayList<>();
    for (int i = 0; i < max; i++) {
      T v = values.get((int) Math.round((double) i * (values.size() - 1) / (max - 1)));
      if (!out.contains(v)) {
        out.add(v);
      }
    }
    return out;
  }

  /**
   * Adds a line of the finite points of {@code xy} (x → y); returns false, adding nothing, when none is finite.
   * XChart cannot scale an axis to NaN or infinity, so such points are left out of the drawing (not the table).
   */
  static boolean line(XYChart c, String name, Map<? extends Number, ? extends Number> xy, Color color) {
    return line(c, name, xy, color, true);
  }

  /** As {@link #line}; {@code markers} false draws a bare line (a dense, noisy series such as the train loss). */
  static boolean line(XYChart c, String name, Map<? extends Number, ? extends Number> xy, Color color,
      boolean markers) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    xy.forEach((x, y) -> {
      if (Double.isFinite(x.doubleValue()) && Double.isFinite(y.doubleValue())) {
        xs.add(x.doubleValue());
        ys.add(y.doubleValue());
      }
    });
    if (xs.isEmpty()) {
      return false;
    }
    if (xs.size() > MAX_DRAWN_POINTS) {
      decimate(xs, ys);
    }
    XYSeries s = c.addSeries(name, xs.stream().mapToDouble(Double::doubleValue).toArray(),
        ys.stream().mapToDouble(Double::doubleValue).toArray());
    s.setLineColor(color);
    s.setMarkerColor(color);
    s.setLineStyle(new BasicStroke(xs.size() > 2000 ? 1f : 1.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    // a lone point has no line to show it: it always gets a marker
    s.setMarker((markers && xs.size() <= MAX_MARKED_POINTS) || xs.size() == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    return true;
  }

  /**
   * Thins {@code xs, ys} (x ascending) to about {@link #MAX_DRAWN_POINTS} points: the range is cut into buckets of
   * consecutive points and each keeps its lowest and highest point, in x order, so spikes (a loss blow-up) stay
   * visible, which plain striding would drop.
   */
  static void decimate(List<Double> xs, List<Double> ys) {
    int n = xs.size();
    int buckets = MAX_DRAWN_POINTS / 2;
    List<Double> outX = new ArrayList<>(MAX_DRAWN_POINTS + 2);
    List<Double> outY = new ArrayList<>(MAX_DRAWN_POINTS + 2);
    for (int b = 0; b < buckets; b++) {
      int from = (int) ((long) n * b / buckets);
      int to = (int) ((long) n * (b + 1) / buckets);
      if (from >= to) {
        continue;
      }
      int lo = from;
      int hi = from;
      for (int i = from + 1; i < to; i++) {
        if (ys.get(i) < ys.get(lo)) {
          lo = i;
        }
        if (ys.get(i) > ys.get(hi)) {
          hi = i;
        }
      }
      int first = Math.min(lo, hi);
      int second = Math.max(lo, hi);
      outX.add(xs.get(first));
      outY.add(ys.get(first));
      if (second != first) {
        outX.add(xs.get(second));
        outY.add(ys.get(second));
      }
    }
    xs.clear();
    xs.addAll(outX);
    ys.clear();
    ys.addAll(outY);
  }

  /** Depth on the x axis: ticks at the data points (the integer depths), so no "0.5" depth. */
  static void integerXAxis(XYChart c) {
    c.getStyler().setxAxisTickLabelsFormattingFunction(v -> v == Math.rint(v) ? Fmt.num(v) : "");
  }

  /** {@code n} colours along viridis (its light-yellow end left out: it vanishes on white). */
  static Color sequential(int i, int n) {
    double t = n <= 1 ? 0 : 0.88 * i / (n - 1);
    double pos = t * (VIRIDIS.length - 1);
    int k = Math.min((int) pos, VIRIDIS.length - 2);
    double f = pos - k;
    Color a = new Color(VIRIDIS[k]);
    Color b = new Color(VIRIDIS[k + 1]);
    return new Color(mix(a.getRed(), b.getRed(), f), mix(a.getGreen(), b.getGreen(), f), mix(a.getBlue(), b.getBlue(), f));
  }

  // plasma (matplotlib) from 0 to 0.85: ordered groups whose neighbours still differ in hue, not only in lightness
  private static final int[] PLASMA = {0x0D0887, 0x6A00A8, 0xB12A90, 0xE16462, 0xFCA636};

  /** {@code n} ordered colours (frequency groups: frequent dark blue … rare orange), the same in every chart. */
  static Color ordered(int i, int n) {
    double t = n <= 1 ? 0 : (double) i / (n - 1);
    double pos = t * (PLASMA.length - 1);
    int k = Math.min((int) pos, PLASMA.length - 2);
    double f = pos - k;
    Color a = new Color(PLASMA[k]);
    Color b = new Color(PLASMA[k + 1]);
    return new Color(mix(a.getRed(), b.getRed(), f), mix(a.getGreen(), b.getGreen(), f), mix(a.getBlue(), b.getBlue(), f));
  }

  static Color categorical(int i) {
    return new Color(TAB10[i % TAB10.length]);
  }

  /**
   * Readable x ticks at any run length. When every x value of the chart is equally spaced (one row per step, or
   * one per probe step), XChart puts a tick at each value and lets short labels crowd into each other
   * ("96 100104108"). Up to {@code width / 70} values that is what we want (a tick per probe step); beyond, a
   * hidden one-point series a third of a gap past the first value breaks the equal spacing, and XChart falls back
   * to round-number ticks at least {@code XAxisTickMarkSpacingHint} pixels apart.
   */
  static void readableXTicks(XYChart c) {
    java.util.TreeSet<Double> xs = new java.util.TreeSet<>();
    double y0 = Double.NaN;
    for (XYSeries s : c.getSeriesMap().values()) {
      if (s.getXYSeriesRenderStyle() == XYSeries.XYSeriesRenderStyle.PolygonArea) {
        continue;
      }
      for (double x : s.getXData()) {
        xs.add(x);
      }
      if (Double.isNaN(y0) && s.getYData().length > 0) {
        y0 = s.getYData()[0];
      }
    }
    if (xs.size() <= Math.max(3, c.getWidth() / 70) || Double.isNaN(y0)
        || c.getSeriesMap().containsKey(TICK_BREAKER)) {
      return;
    }
    double first = xs.first();
    double gap = xs.higher(first) - first;
    XYSeries s = c.addSeries(TICK_BREAKER, new double[] {first + gap / 3}, new double[] {y0});
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(new Color(0, 0, 0, 0));
    s.setShowInLegend(false);
  }

  private static final String TICK_BREAKER = "\u2063"; // an invisible name: the series is not in the legend

  static byte[] png(XYChart c) {
    readableXTicks(c);
    try {
      return BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("rendering " + c.getTitle() + ": " + e.getMessage(), e);
    }
  }

  /** Small multiples: {@code charts} tiled two per row into one PNG (an odd last panel leaves white space). */
  static byte[] pngGrid(List<XYChart> charts) {
    if (charts.size() == 1) {
      return png(charts.get(0));
    }
    int cols = 2;
    int rows = (charts.size() + cols - 1) / cols;
    int w = 0;
    int h = 0;
    for (XYChart c : charts) {
      w = Math.max(w, c.getWidth());
      h = Math.max(h, c.getHeight());
    }
    BufferedImage grid = new BufferedImage(cols * w, rows * h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = grid.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
      for (int i = 0; i < charts.size(); i++) {
        readableXTicks(charts.get(i));
        g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), (i % cols) * w, (i / cols) * h, null);
      }
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(grid, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException("rendering small multiples: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  static String dataUri(byte[] png) {
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
  }

  private static int mix(int a, int b, double f) {
    return (int) Math.round(a + (b - a) * f);
  }
}
