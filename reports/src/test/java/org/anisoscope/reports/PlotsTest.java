package org.anisoscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class PlotsTest {
  @Test
  void decimationKeepsSpikesAndOrder() {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      xs.add((double) i);
      ys.add(i == 54_321 ? 99.0 : i == 777 ? -5.0 : 1.0);
    }
    Plots.decimate(xs, ys);
    assertTrue(xs.size() <= Plots.MAX_DRAWN_POINTS, "thinned to " + xs.size());
    assertTrue(ys.contains(99.0) && xs.get(ys.indexOf(99.0)) == 54_321, "the spike stays");
    assertTrue(ys.contains(-5.0), "the dip stays");
    for (int i = 1; i < xs.size(); i++) {
      assertTrue(xs.get(i) > xs.get(i - 1), "x ascending");
    }
  }

  @Test
  void emaIsBiasCorrectedAndSkipsNonFinite() {
    TreeMap<Long, Double> s = new TreeMap<>();
    s.put(1L, 2.0);
    s.put(2L, Double.NaN);
    s.put(3L, 2.0);
    TreeMap<Long, Double> e = RunReport.ema(s, 10);
    assertEquals(2.0, e.get(1L), 1e-12, "first point is the value itself, not pulled towards 0");
    assertEquals(2.0, e.get(3L), 1e-12);
    assertEquals(2, e.size());
  }

  @Test
  void manyEquallySpacedStepsGetRoundNumberTicksAndFewKeepOnePerStep() throws Exception {
    TreeMap<Long, Double> many = new TreeMap<>();
    for (long step = 1; step <= 120_000; step++) {
      many.put(step, 1.0 / step);
    }
    org.knowm.xchart.XYChart c = Plots.chart("long run", "step", "loss", Plots.WIDTH, Plots.HEIGHT);
    Plots.line(c, "train", many, Plots.categorical(0), false);
    byte[] png = Plots.png(c);
    assertEquals(2, c.getSeriesMap().size(), "a hidden series breaks XChart's tick-per-value mode");
    assertTrue(!c.getSeriesMap().values().stream().filter(x -> !x.getName().equals("train")).findFirst()
        .orElseThrow().isShowInLegend());
    java.nio.file.Files.createDirectories(java.nio.file.Path.of("target"));
    java.nio.file.Files.write(java.nio.file.Path.of("target", "long-run-ticks.png"), png); // to look at

    TreeMap<Long, Double> probes = new TreeMap<>();
    for (long step = 0; step <= 300; step += 50) {
      probes.put(step, 0.1);
    }
    org.knowm.xchart.XYChart p = Plots.chart("probes", "step", "cos_mean", Plots.WIDTH, Plots.HEIGHT);
    Plots.line(p, "depth 1", probes, Plots.categorical(0));
    Plots.png(p);
    assertEquals(1, p.getSeriesMap().size(), "7 probe steps: a tick at each");
  }

  @Test
  void evenlySpacedKeepsTheEndsAndAtMostMax() {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < 41; i++) {
      all.add(i * 10);
    }
    List<Integer> some = Plots.evenlySpaced(all, 8);
    assertEquals(8, some.size());
    assertEquals(0, some.get(0));
    assertEquals(400, some.get(7));
    assertEquals(List.of(1, 2), Plots.evenlySpaced(List.of(1, 2), 8));
  }
}
