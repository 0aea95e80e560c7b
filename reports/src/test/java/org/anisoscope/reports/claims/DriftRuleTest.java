package org.anisoscope.reports.claims;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The q/k drift rule (C5) on hand-made per-head rows. */
class DriftRuleTest {
  @TempDir
  Path tmp;

  private static Verdict judge(Rules rules, ProbeTable t) {
    return DriftRule.judgeRun("x", List.of(t.seed("x", 1)), rules).verdict();
  }

  @Test
  void growthSharedDirectionAndSharperAttentionHold() {
    // the two heads' qk cosines have opposite signs: |cos| must be taken per head (a plain mean would be 0 → 0)
    ProbeTable t = ProbeTable.run(0.8).drift(1, 2, 1, 1.5, 0.1, 0.4, 3.0, 2.5);
    assertEquals(Verdict.HOLDS, judge(RulesFixture.rules(), t));
  }

  @Test
  void entropyRisingDoesNotHold() {
    assertEquals(Verdict.DOES_NOT_HOLD,
        judge(RulesFixture.rules(), ProbeTable.run(0.8).drift(1, 2, 1, 1.5, 0.1, 0.4, 3.0, 3.1)));
  }

  @Test
  void rightDirectionBelowAThresholdIsInconclusive() throws Exception {
    ProbeTable small = ProbeTable.run(0.8).drift(1, 1.05, 1, 1.5, 0.1, 0.4, 3.0, 2.5); // growth 1.05 < 1.1
    assertEquals(Verdict.INCONCLUSIVE, judge(RulesFixture.rules(), small));
    assertEquals(Verdict.HOLDS, judge(RulesFixture.with(tmp, "min-norm-growth = 1.1", "min-norm-growth = 1.04"),
        small));
    // no q/k rows at all (an attention-free run)
    assertEquals(Verdict.INCONCLUSIVE, judge(RulesFixture.rules(), ProbeTable.run(0.8)));
  }
}
