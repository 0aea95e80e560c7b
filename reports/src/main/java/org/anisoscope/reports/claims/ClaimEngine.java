package org.anisoscope.reports.claims;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies the rules to the runs, mechanically: one {@link ClaimResult} per claim of rules.conf, in order. A claim
 * over several runs (pairs) combines them as rules.conf says ("Combining runs"): a missing, failed or unfinished
 * run is inconclusive and named ("runs missing: ..."), never dropped.
 */
public final class ClaimEngine {
  private ClaimEngine() {}

  /**
   * @param runs matrix id → its seeds (each finished, or with the problem that leaves it without data); an id a
   *             claim names that is not in the map is reported as "not in the matrix"
   */
  public static List<ClaimResult> evaluate(Rules rules, Map<String, List<SeedRun>> runs) {
    List<ClaimResult> out = new ArrayList<>();
    for (Rules.Claim c : rules.claims()) {
      out.add(evaluate(rules, c, runs));
    }
    return out;
  }

  static ClaimResult evaluate(Rules rules, Rules.Claim c, Map<String, List<SeedRun>> runs) {
    List<Outcome> parts = new ArrayList<>();
    Set<String> missing = new LinkedHashSet<>();
    List<String> dirs = new ArrayList<>();
    for (String id : c.runIds()) {
      List<SeedRun> seeds = runs.get(id);
      if (seeds == null || seeds.isEmpty()) {
        missing.add(id + " (not in the matrix)");
        continue;
      }
      for (SeedRun s : seeds) {
        dirs.add(s.dir().getFileName().toString());
        s.problem().ifPresent(p -> missing.add(s.label() + " (" + p + ")"));
      }
    }
    boolean comparison = c.rule().equals(Rules.MARKEDLY_LESS) || c.rule().equals(Rules.LOWER_AT_EQUAL_LOSS);
    if (comparison) {
      for (List<String> pair : c.pairs()) {
        parts.add(ComparisonRule.judge(c.rule(), pair.get(0), seeds(runs, pair.get(0)), pair.get(1),
            seeds(runs, pair.get(1)), rules));
      }
    } else {
      for (String id : c.runs()) {
        List<SeedRun> seeds = seeds(runs, id);
        parts.add(seeds.isEmpty() ? Outcome.inconclusive(id + ": not in the matrix") : switch (c.rule()) {
          case Rules.ANISOTROPIC -> AnisotropyRule.judgeRun(id, seeds, rules);
          case Rules.DRIFT -> DriftRule.judgeRun(id, seeds, rules);
          case Rules.UNTRAINED_BLOCK -> UntrainedBlockRule.judge(id, seeds, rules);
          default -> throw new IllegalStateException("rule " + c.rule() + " is not a per-run rule");
        });
      }
    }
    Verdict verdict = Verdict.allParts(parts.stream().map(Outcome::verdict).toList());
    List<String> reasons = new ArrayList<>();
    for (Outcome o : parts) {
      // a refuted claim names its counterexamples first; an inconclusive one every part that is not settled
      if (!o.reason().isEmpty() && (verdict != Verdict.DOES_NOT_HOLD || o.verdict() == Verdict.DOES_NOT_HOLD)) {
        reasons.add(o.reason());
      }
    }
    String reason = "";
    if (!missing.isEmpty()) {
      reason = "runs missing: " + String.join(", ", missing);
    }
    if (verdict == Verdict.DOES_NOT_HOLD || missing.isEmpty()) {
      reason = join(String.join("; ", reasons), verdict == Verdict.DOES_NOT_HOLD ? reason : "");
    }
    List<String> values = parts.stream().map(Outcome::values).filter(v -> !v.isEmpty()).toList();
    return new ClaimResult(c, verdict, reason, rules.describe(c.rule()), dirs, String.join(" | ", values), parts);
  }

  private static List<SeedRun> seeds(Map<String, List<SeedRun>> runs, String id) {
    return runs.getOrDefault(id, List.of());
  }

  private static String join(String a, String b) {
    return a.isEmpty() ? b : b.isEmpty() ? a : a + "; " + b;
  }
}
