package org.anisoscope.reports.claims;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** "markedly-less" and "lower-at-equal-loss" on hand-made runs: each verdict reachable, thresholds from the file. */
class ComparisonRuleTest {
  @TempDir
  Path tmp;

  private static Outcome less(Rules rules, double[] control, double[] twin) {
    return ComparisonRule.judge(Rules.MARKEDLY_LESS, "c", seeds("c", control, null), "t", seeds("t", twin, null),
        rules);
  }

  private static Outcome lower(Rules rules, double[] control, double[] controlLoss, double[] twin, double[] twinLoss) {
    return ComparisonRule.judge(Rules.LOWER_AT_EQUAL_LOSS, "c", seeds("c", control, controlLoss), "t",
        seeds("t", twin, twinLoss), rules);
  }

  private static List<SeedRun> seeds(String id, double[] tops, double[] losses) {
    List<SeedRun> out = new java.util.ArrayList<>();
    for (int i = 0; i < tops.length; i++) {
      out.add(ProbeTable.run(tops[i]).seed(id, i + 1, losses == null ? Double.NaN : losses[i]));
    }
    return out;
  }

  private static double[] d(double... v) {
    return v;
  }

  @Test
  void markedlyLess() {
    Rules r = RulesFixture.rules();
    assertEquals(Verdict.HOLDS, less(r, d(0.3, 0.35), d(0.8, 0.75)).verdict()); // 0.375, 0.467 <= 0.5
    assertEquals(Verdict.DOES_NOT_HOLD, less(r, d(0.6, 0.7), d(0.8, 0.75)).verdict()); // 0.75, 0.93
    assertEquals(Verdict.INCONCLUSIVE, less(r, d(0.3, 0.7), d(0.8, 0.75)).verdict()); // seeds disagree
    Outcome flatTwin = less(r, d(0.05), d(0.15));
    assertEquals(Verdict.INCONCLUSIVE, flatTwin.verdict()); // the twin is not anisotropic: nothing to be less of
    assertTrue(flatTwin.reason().contains("twin not anisotropic"), flatTwin.reason());
    // the measured pair is still shown, so a reader sees what the verdict was not drawn from
    assertEquals("c s1 0.050 [0.030, 0.070] / t s1 0.150 [0.130, 0.170] = 0.333", flatTwin.values());
    assertEquals("c s1 0.300 [0.280, 0.320] / t s1 0.800 [0.780, 0.820] = 0.375", less(r, d(0.3), d(0.8)).values());
  }

  @Test
  void markedlyLessReadsItsRatioFromTheRulesFile() throws Exception {
    Rules r = RulesFixture.with(tmp, "max-ratio = 0.5", "max-ratio = 0.95");
    assertEquals(Verdict.HOLDS, less(r, d(0.6, 0.7), d(0.8, 0.75)).verdict()); // 0.75, 0.93 <= 0.95
  }

  @Test
  void lowerAtEqualLoss() {
    Rules r = RulesFixture.rules();
    assertEquals(Verdict.HOLDS, lower(r, d(0.6), d(1.02), d(0.8), d(1.0)).verdict()); // 0.75, +2 %
    assertEquals(Verdict.DOES_NOT_HOLD, lower(r, d(0.6), d(1.2), d(0.8), d(1.0)).verdict()); // loss +20 %
    assertEquals(Verdict.DOES_NOT_HOLD, lower(r, d(0.85), d(1.0), d(0.8), d(1.0)).verdict()); // not lower
    assertEquals(Verdict.INCONCLUSIVE, lower(r, d(0.76), d(1.0), d(0.8), d(1.0)).verdict()); // 0.95: not by enough
    assertEquals(Verdict.INCONCLUSIVE, lower(r, d(0.6), null, d(0.8), null).verdict()); // no val loss
  }

  @Test
  void lowerAtEqualLossReadsItsThresholdsFromTheRulesFile() throws Exception {
    Rules looseLoss = RulesFixture.with(tmp, "max-loss-rise = 0.05", "max-loss-rise = 0.25");
    assertEquals(Verdict.HOLDS, lower(looseLoss, d(0.6), d(1.2), d(0.8), d(1.0)).verdict());
    Rules looseRatio = RulesFixture.with(tmp, "max-ratio = 0.9", "max-ratio = 0.96");
    assertEquals(Verdict.HOLDS, lower(looseRatio, d(0.76), d(1.0), d(0.8), d(1.0)).verdict());
  }
}
