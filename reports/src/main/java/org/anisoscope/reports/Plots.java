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
    return c;
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

  static Color categorical(int i) {
    return new Color(TAB10[i % TAB10.length]);
  }

  static byte[] png(XYChart c) {
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
