package org.anisoscope.reports;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * A rows × columns heat map drawn with Java2D (XChart's crowds its labels): equal cells, a fixed colour scale
 * (viridis from {@code lo} to {@code hi}, so two runs' maps compare), a colour bar, column labels thinned so
 * they never overlap, and the value written in each cell while the cells are wide enough to hold it. A NaN cell
 * is drawn light grey.
 */
final class Heatmap {
  private static final int[] VIRIDIS = {
      0x440154, 0x482878, 0x3E4A89, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779, 0x6DCD59, 0xB4DE2C, 0xFDE725};

  private Heatmap() {}

  /**
   * @param values    {@code [rows][cols]}, row 0 drawn at the bottom
   * @param rowLabels one per row, bottom to top
   * @param colLabels one per column, left to right
   */
  static byte[] png(String title, String xTitle, String yTitle, double[][] values, List<String> rowLabels,
      List<String> colLabels, double lo, double hi, String scaleTitle) {
    int rows = values.length;
    int cols = values[0].length;
    int width = Plots.WIDTH;
    int left = 96;
    int right = 110;
    int top = 40;
    int cellH = Math.max(16, Math.min(44, 320 / rows));
    int plotW = width - left - right;
    int plotH = cellH * rows;
    int height = top + plotH + 64;
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(new Color(0x222222));
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      FontMetrics fm = g.getFontMetrics();
      g.drawString(title, (width - fm.stringWidth(title)) / 2, 22);

      double cellW = (double) plotW / cols;
      Font valueFont = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
      g.setFont(valueFont);
      boolean showValues = cellW >= g.getFontMetrics().stringWidth("0.000") + 4 && cellH >= 14;
      for (int r = 0; r < rows; r++) {
        int y = top + plotH - (r + 1) * cellH;
        for (int c = 0; c < cols; c++) {
          int x0 = left + (int) Math.round(c * cellW);
          int x1 = left + (int) Math.round((c + 1) * cellW);
          double v = values[r][c];
          Color col = Double.isFinite(v) ? colour((v - lo) / (hi - lo)) : new Color(0xDDDDDD);
          g.setColor(col);
          g.fillRect(x0, y, x1 - x0, cellH);
          if (showValues && Double.isFinite(v)) {
            String s = Fmt.fixed(v, 3);
            g.setColor(luminance(col) > 0.5 ? Color.BLACK : Color.WHITE);
            FontMetrics vm = g.getFontMetrics();
            g.drawString(s, x0 + (x1 - x0 - vm.stringWidth(s)) / 2, y + (cellH + vm.getAscent()) / 2 - 2);
          }
        }
      }
      g.setColor(new Color(0xB0B0B0));
      g.setStroke(new BasicStroke(1f));
      g.drawRect(left, top, plotW, plotH);

      // row labels
      g.setColor(new Color(0x222222));
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      FontMetrics lm = g.getFontMetrics();
      int rowStep = Math.max(1, (int) Math.ceil((lm.getHeight() + 2.0) / cellH));
      for (int r = 0; r < rows; r += rowStep) {
        String s = rowLabels.get(r);
        int y = top + plotH - r * cellH - cellH / 2 + lm.getAscent() / 2;
        g.drawString(s, left - 6 - lm.stringWidth(s), y);
      }
      // column labels: every k-th, k chosen so that neighbours keep a gap of at least 12 px
      int widest = 0;
      for (String s : colLabels) {
        widest = Math.max(widest, lm.stringWidth(s));
      }
      int colStep = Math.max(1, (int) Math.ceil((widest + 12) / cellW));
      for (int c = 0; c < cols; c += colStep) {
        String s = colLabels.get(c);
        int cx = left + (int) Math.round((c + 0.5) * cellW);
        g.drawString(s, cx - lm.stringWidth(s) / 2, top + plotH + 16);
      }
      if ((cols - 1) % colStep != 0 && cellW * ((cols - 1) % colStep) >= widest + 12) {
        String s = colLabels.get(cols - 1);   // the last column always gets its label when there is room
        int cx = left + (int) Math.round((cols - 0.5) * cellW);
        g.drawString(s, cx - lm.stringWidth(s) / 2, top + plotH + 16);
      }
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      FontMetrics am = g.getFontMetrics();
      g.drawString(xTitle, left + (plotW - am.stringWidth(xTitle)) / 2, top + plotH + 40);
      Graphics2D gr = (Graphics2D) g.create();
      gr.rotate(-Math.PI / 2);
      gr.drawString(yTitle, -(top + plotH / 2 + am.stringWidth(yTitle) / 2), 16);
      gr.dispose();

      // colour bar
      int barX = left + plotW + 24;
      int barW = 16;
      for (int y = 0; y < plotH; y++) {
        g.setColor(colour(1 - (double) y / (plotH - 1)));
        g.drawLine(barX, top + y, barX + barW, top + y);
      }
      g.setColor(new Color(0xB0B0B0));
      g.drawRect(barX, top, barW, plotH);
      g.setColor(new Color(0x222222));
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      for (int i = 0; i <= 4; i++) {
        double v = lo + (hi - lo) * i / 4;
        int y = top + plotH - (int) Math.round((double) plotH * i / 4);
        g.drawString(Fmt.num(Math.round(v * 1000) / 1000.0), barX + barW + 4, y + 4);
      }
      g.drawString(scaleTitle, barX - 4, top - 14);
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException("rendering " + title + ": " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  /** viridis at {@code t} ∈ [0, 1] (clamped). */
  static Color colour(double t) {
    double x = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
    int k = Math.min((int) x, VIRIDIS.length - 2);
    double f = x - k;
    Color a = new Color(VIRIDIS[k]);
    Color b = new Color(VIRIDIS[k + 1]);
    return new Color((int) Math.round(a.getRed() + (b.getRed() - a.getRed()) * f),
        (int) Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * f),
        (int) Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * f));
  }

  private static double luminance(Color c) {
    return (0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue()) / 255;
  }
}
