package org.anisoscope.reports;

import org.knowm.xchart.XYChart;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Line charts of a metric against one variable, one line per setting (e.g. a metric against drift norm, one line
 * per attention temperature), in the reports' house style; for experiments outside the training runs.
 */
public final class CurvePlot {
  /**
   * One panel: a title, axis titles and its lines (name → x → y), drawn in order along viridis when the lines are
   * an ordered setting (a temperature, a depth), in distinct categorical colours when they are not ({@code
   * unordered}: e.g. two frameworks, where viridis would give the second a pale yellow-green).
   */
  public record Panel(String title, String xTitle, String yTitle, Map<String, ? extends Map<Double, Double>> lines,
      boolean logX, boolean unordered) {
    /** Lines of an ordered setting (viridis). */
    public Panel(String title, String xTitle, String yTitle, Map<String, ? extends Map<Double, Double>> lines,
        boolean logX) {
      this(title, xTitle, yTitle, lines, logX, false);
    }
  }

  private CurvePlot() {
  }

  /** Writes the panels, two per row, as one PNG; points with x ≤ 0 on a log axis are left out of the drawing. */
  public static void write(Path png, List<Panel> panels) throws IOException {
    List<XYChart> charts = new ArrayList<>();
    for (Panel p : panels) {
      XYChart c = Plots.chart(p.title(), p.xTitle(), p.yTitle(), Plots.PANEL_WIDTH, Plots.PANEL_HEIGHT);
      c.getStyler().setXAxisLogarithmic(p.logX());
      int i = 0;
      for (Map.Entry<String, ? extends Map<Double, Double>> line : p.lines().entrySet()) {
        Map<Double, Double> xy = new java.util.TreeMap<>();
        line.getValue().forEach((x, y) -> {
          if (!p.logX() || x > 0) {
            xy.put(x, y);
          }
        });
        Plots.line(c, line.getKey(), xy, lineColour(p, i++));
      }
      charts.add(c);
    }
    org.anisoscope.files.AtomicFiles.writeBytes(png, Plots.pngGrid(charts));
  }

  static java.awt.Color lineColour(Panel p, int i) {
    return p.unordered() ? Plots.categorical(i) : Plots.sequential(i, p.lines().size());
  }
}
