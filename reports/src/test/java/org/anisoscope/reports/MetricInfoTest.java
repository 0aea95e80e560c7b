package org.anisoscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

class MetricInfoTest {
  private static MetricInfo of(String metric, Double... values) {
    return MetricInfo.of(metric, List.of(values), OptionalInt.of(128), OptionalInt.of(64));
  }

  @Test
  void cosineTypeMetricsGetTheWholeUnitRange() {
    for (String m : List.of("cos_mean", "cos_mean_intra", "cos_mean_freq_q3", "cos_mean_ci_lo", "qk_mean_cos")) {
      MetricInfo i = of(m, 0.11, 0.3);
      assertTrue(i.fixed(), m);
      assertEquals(0, i.lo(), m);
      assertEquals(1, i.hi(), m);
    }
    assertEquals(-0.1, of("cos_mean_centered", -0.0002, 0.01).lo(), "a small negative: [-0.1, 1]");
    assertEquals(-1, of("qk_mean_cos", -0.7, 0.2).lo(), "below -0.1: the whole [-1, 1]");
    assertEquals(0, of("cos_mean", Double.NaN, 0.2).lo(), "NaN ignored");
  }

  @Test
  void otherMetricsStateTheirNaturalRange() {
    MetricInfo rank = of("eff_rank", 30.0, 40.0);
    assertFalse(rank.fixed());
    assertEquals(0, rank.lo());
    assertTrue(rank.caption().contains("1 … d = 128"), rank.caption());
    MetricInfo entropy = of("attn_entropy", 3.0);
    assertEquals(Math.log(64), entropy.hi(), 1e-12, "uniform attention over T = 64 keys");
    assertTrue(of("norm_mean_ratio", 0.4).fixed());
    assertEquals(-4, of("uniformity", -2.0).lo());
    assertTrue(of("made_up", 1.0).caption().contains("not known"));
  }
}
