package org.anisoscope.reports.claims;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The "anisotropic" rule on hand-made probe tables: each verdict reachable, thresholds from the rules file. */
class AnisotropyRuleTest {
  @TempDir
  Path tmp;

  private static Verdict judge(Rules rules, ProbeTable... seeds) {
    List<SeedRun> runs = new java.util.ArrayList<>();
    for (int i = 0; i < seeds.length; i++) {
      runs.add(seeds[i].seed("x", i + 1));
    }
    return AnisotropyRule.judgeRun("x", runs, rules).verdict();
  }

  @Test
  void aHighFinalLayerInEverySeedHolds() {
    // layer 2: 0.8 ± 0.02 against 0.08 at step 0: lo 0.78 >= 0.2 and 0.78 - 0.08 >= 0.1
    assertEquals(Verdict.HOLDS, judge(RulesFixture.rules(), ProbeTable.run(0.8), ProbeTable.run(0.7)));
  }

  @Test
  void everyUpperBoundBelowTheLineDoesNotHoldAndTheEmbeddingIsNotAHiddenLayer() {
    // largest hidden 0.15 ± 0.02 (hi 0.17 < 0.2); the embedding at 0.9 must not count
    ProbeTable t = new ProbeTable().embed(0.9).layer(0, 0.05, 0.1, 0.02).layer(1, 0.05, 0.15, 0.02);
    assertEquals(Verdict.DOES_NOT_HOLD, judge(RulesFixture.rules(), t, ProbeTable.run(0.15)));
  }

  @Test
  void betweenTheThresholdsIsInconclusive() {
    // 0.21 ± 0.02: lo 0.19 < 0.2 (not anisotropic), hi 0.23 >= 0.2 (not "not anisotropic")
    assertEquals(Verdict.INCONCLUSIVE, judge(RulesFixture.rules(), ProbeTable.run(0.21)));
    // high but barely above its step-0 value: lo 0.28 - 0.25 < 0.1
    assertEquals(Verdict.INCONCLUSIVE, judge(RulesFixture.rules(), new ProbeTable().layer(0, 0.25, 0.3, 0.02)));
  }

  @Test
  void seedsThatDisagreeAreInconclusive() {
    assertEquals(Verdict.INCONCLUSIVE, judge(RulesFixture.rules(), ProbeTable.run(0.8), ProbeTable.run(0.15)));
  }

  @Test
  void aRunWithoutDataIsInconclusive() {
    SeedRun missing = SeedRun.missing("x", Optional.of(1L), tmp.resolve("x-s1"), "not run");
    Outcome o = AnisotropyRule.judgeRun("x", List.of(ProbeTable.run(0.8).seed("x", 1), missing),
        RulesFixture.rules());
    assertEquals(Verdict.INCONCLUSIVE, o.verdict());
    assertTrue(o.reason().contains("not run"), o.reason());
    // one probe step only: nothing to compare with step 0
    ProbeTable single = new ProbeTable();
    assertEquals(Verdict.INCONCLUSIVE, judge(RulesFixture.rules(), single));
  }

  @Test
  void theThresholdsComeFromTheRulesFile() throws Exception {
    // the same runs, other thresholds in a copy of the rules file
    Rules strictLower = RulesFixture.with(tmp, "min-lower = 0.2", "min-lower = 0.85");
    assertEquals(Verdict.INCONCLUSIVE, judge(strictLower, ProbeTable.run(0.8)));
    Rules highUpper = RulesFixture.with(tmp, "max-upper = 0.2", "max-upper = 0.3");
    assertEquals(Verdict.INCONCLUSIVE, judge(RulesFixture.rules(), ProbeTable.run(0.21))); // hi 0.23 >= 0.2
    assertEquals(Verdict.DOES_NOT_HOLD, judge(highUpper, ProbeTable.run(0.21))); // hi 0.23 < 0.3
    Rules bigRise = RulesFixture.with(tmp, "min-rise = 0.1", "min-rise = 0.75");
    assertEquals(Verdict.INCONCLUSIVE, judge(bigRise, ProbeTable.run(0.8))); // 0.78 - 0.08 = 0.70 < 0.75
    assertEquals(Verdict.HOLDS, judge(bigRise, ProbeTable.run(0.9))); // 0.88 - 0.08 = 0.80
  }

  @Test
  void theLargestHiddenLayerIsReportedWithItsInterval() {
    AnisotropyRule.Largest m = AnisotropyRule.largest(ProbeTable.run(0.8).probes(), RulesFixture.rules()).get();
    assertEquals("blocks.2.hook_resid_post", m.hook());
    assertEquals(0.8, m.cos(), 1e-12);
    assertEquals(0.78, m.lo(), 1e-12);
    assertEquals(0.82, m.hi(), 1e-12);
    assertEquals(0.08, m.step0(), 1e-12);
  }
}
