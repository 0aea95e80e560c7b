package org.anisoscope.reports.claims;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** C6's rule on a hand-made sweep CSV, and Spearman's correlation on closed-form cases. */
class UntrainedBlockRuleTest {
  @TempDir
  Path tmp;

  private static final double[] DRIFTS = {0, 0.5, 1, 2, 4, 8};

  /** Rows for seeds 1 and 2 at temperatures 1 and 2; cosSign/entSign give the trend with drift at temperature 1. */
  private Path sweep(String name, boolean withSeed, int[] cosSign, int[] entSign) throws IOException {
    Path dir = tmp.resolve(name);
    Files.createDirectories(dir);
    StringBuilder b = new StringBuilder(withSeed ? "seed," : "").append(
        "drift_norm,temperature,input_cos_mean,output_cos_mean,attn_entropy\n");
    for (int s = 0; s < cosSign.length; s++) {
      for (double t : new double[] {1, 2}) {
        for (double d : DRIFTS) {
          // at temperature 2 the trends are reversed: the rule must read temperature 1 only
          int flip = t == 1 ? 1 : -1;
          double cos = 0.3 + flip * cosSign[s] * 0.05 * d;
          double ent = 5 + flip * entSign[s] * 0.1 * d;
          b.append(withSeed ? (s + 1) + "," : "").append(String.format(Locale.ROOT, "%s,%s,0.1,%s,%s%n", d, t, cos,
              ent));
        }
      }
    }
    Files.writeString(dir.resolve(RulesFixture.rules().untrainedBlock().file()), b.toString());
    return dir;
  }

  private static Outcome judge(Path dir) {
    return UntrainedBlockRule.judge("untrained-block",
        List.of(SeedRun.finishedWithoutProbes("untrained-block", Optional.empty(), dir)), RulesFixture.rules());
  }

  @Test
  void eachVerdictIsReachable() throws Exception {
    assertEquals(Verdict.HOLDS, judge(sweep("h", true, new int[] {1, 1}, new int[] {-1, -1})).verdict());
    assertEquals(Verdict.DOES_NOT_HOLD, judge(sweep("n", true, new int[] {1, 1}, new int[] {1, 1})).verdict());
    assertEquals(Verdict.INCONCLUSIVE, judge(sweep("i", true, new int[] {1, 1}, new int[] {-1, 1})).verdict());
    assertEquals(Verdict.HOLDS, judge(sweep("noseed", false, new int[] {1}, new int[] {-1})).verdict());
  }

  @Test
  void aMissingSweepOrColumnIsNamed() throws Exception {
    Outcome o = judge(tmp);
    assertEquals(Verdict.INCONCLUSIVE, o.verdict());
    assertTrue(o.reason().contains("untrained-block-seeds.csv is missing"), o.reason());
    Path dir = tmp.resolve("bad");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("untrained-block-seeds.csv"), "drift,temperature\n0,1\n");
    Outcome bad = judge(dir); // a malformed sweep leaves C6 open, naming the file and the column
    assertEquals(Verdict.INCONCLUSIVE, bad.verdict());
    assertTrue(bad.reason().contains("untrained-block-seeds.csv: missing column 'drift_norm'"), bad.reason());
  }

  @Test
  void spearmanOnClosedFormCases() {
    double[] x = {1, 2, 3, 4, 5};
    assertEquals(1.0, UntrainedBlockRule.spearman(x, new double[] {1, 4, 9, 16, 25}), 1e-12); // monotone
    assertEquals(-1.0, UntrainedBlockRule.spearman(x, new double[] {9, 7, 5, 3, 1}), 1e-12);
    // ties get average ranks: y ranks 1, 2, 3.5, 5, 3.5 → 8 / sqrt(10 · 9.5)
    assertEquals(8 / Math.sqrt(95), UntrainedBlockRule.spearman(x, new double[] {5, 6, 7, 8, 7}), 1e-12);
    assertTrue(Double.isNaN(UntrainedBlockRule.spearman(x, new double[] {2, 2, 2, 2, 2})));
  }
}
