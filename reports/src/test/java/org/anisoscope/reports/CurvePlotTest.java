package org.anisoscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ordered lines go along viridis, unordered ones (two frameworks) get distinct categorical colours. */
class CurvePlotTest {
  @TempDir
  Path tmp;

  private static Map<String, Map<Double, Double>> twoLines() {
    Map<String, Map<Double, Double>> lines = new LinkedHashMap<>();
    lines.put("Java", new TreeMap<>(Map.of(64.0, 2.0, 128.0, 1.9, 256.0, 1.8)));
    lines.put("PyTorch", new TreeMap<>(Map.of(64.0, 1.5, 128.0, 1.2, 256.0, 1.0)));
    return lines;
  }

  @Test
  void unorderedLinesGetCategoricalColours() throws Exception {
    CurvePlot.Panel ordered = new CurvePlot.Panel("t", "x", "y", twoLines(), true);
    CurvePlot.Panel unordered = new CurvePlot.Panel("t", "x", "y", twoLines(), true, true);
    assertEquals(Plots.sequential(1, 2), CurvePlot.lineColour(ordered, 1));
    assertEquals(Plots.categorical(0), CurvePlot.lineColour(unordered, 0));
    assertEquals(Plots.categorical(1), CurvePlot.lineColour(unordered, 1));
    assertNotEquals(CurvePlot.lineColour(ordered, 1), CurvePlot.lineColour(unordered, 1));
    Path png = tmp.resolve("sweep.png");
    CurvePlot.write(png, java.util.List.of(unordered));
    BufferedImage img = ImageIO.read(png.toFile());
    int second = Plots.categorical(1).getRGB() & 0xFFFFFF;
    boolean drawn = false;
    for (int y = 0; y < img.getHeight() && !drawn; y++) {
      for (int x = 0; x < img.getWidth() && !drawn; x++) {
        drawn = (img.getRGB(x, y) & 0xFFFFFF) == second;
      }
    }
    assertTrue(drawn, "the second line is drawn in the second categorical colour");
  }
}
