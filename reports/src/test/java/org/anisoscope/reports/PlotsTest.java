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
}
