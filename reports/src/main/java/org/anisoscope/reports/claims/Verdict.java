package org.anisoscope.reports.claims;

import java.util.List;

/** The three verdicts a rule can give a seed, a run, a pair or a claim. */
public enum Verdict {
  HOLDS("holds"),
  DOES_NOT_HOLD("does not hold"),
  INCONCLUSIVE("inconclusive");

  private final String label;

  Verdict(String label) {
    this.label = label;
  }

  /** The word written in claims.md / claims.csv. */
  public String label() {
    return label;
  }

  /**
   * "In every seed": HOLDS when every verdict holds, DOES_NOT_HOLD when every one does not hold, else (mixed,
   * any inconclusive, or none at all) INCONCLUSIVE.
   */
  static Verdict everySeed(List<Verdict> seeds) {
    if (seeds.isEmpty()) {
      return INCONCLUSIVE;
    }
    if (seeds.stream().allMatch(v -> v == HOLDS)) {
      return HOLDS;
    }
    if (seeds.stream().allMatch(v -> v == DOES_NOT_HOLD)) {
      return DOES_NOT_HOLD;
    }
    return INCONCLUSIVE;
  }

  /**
   * A claim over several runs or pairs (rules.conf, "Combining runs"): HOLDS when every part holds, DOES_NOT_HOLD
   * when at least one does not (a counterexample), else INCONCLUSIVE.
   */
  static Verdict allParts(List<Verdict> parts) {
    if (parts.isEmpty()) {
      return INCONCLUSIVE;
    }
    if (parts.contains(DOES_NOT_HOLD)) {
      return DOES_NOT_HOLD;
    }
    return parts.stream().allMatch(v -> v == HOLDS) ? HOLDS : INCONCLUSIVE;
  }
}
