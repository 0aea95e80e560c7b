package org.anisoscope.reports.claims;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * rules.conf "drift" (C5): between the first and the last probe step, the mean query and mean key grow in norm
 * ({@code q_mean_norm}, {@code k_mean_norm}), point more into a shared direction (|{@code qk_mean_cos}|) and the
 * attention sharpens ({@code attn_entropy} falls). Each is averaged over every head of every layer.
 */
final class DriftRule {
  private DriftRule() {}

  static Outcome judgeSeed(SeedRun s, Rules rules) {
    if (!s.usable() || s.probes().isEmpty()) {
      return Outcome.inconclusive(s.label() + ": " + s.problem().orElse("no probes.csv"));
    }
    RunProbes p = s.probes().get();
    if (p.finalStep().isEmpty() || p.firstStep().getAsLong() == p.finalStep().getAsLong()) {
      return Outcome.inconclusive(s.label() + ": fewer than two probe steps");
    }
    long first = p.firstStep().getAsLong();
    long last = p.finalStep().getAsLong();
    double[] q = pair(p, "q_mean_norm", first, last, x -> x);
    double[] k = pair(p, "k_mean_norm", first, last, x -> x);
    double[] c = pair(p, "qk_mean_cos", first, last, Math::abs);
    double[] h = pair(p, "attn_entropy", first, last, x -> x);
    for (double[] a : List.of(q, k, c, h)) {
      if (Double.isNaN(a[0]) || Double.isNaN(a[1])) {
        return Outcome.inconclusive(s.label() + ": no q_mean_norm / k_mean_norm / qk_mean_cos / attn_entropy rows "
            + "at steps " + first + " and " + last);
      }
    }
    double qGrowth = q[1] / q[0];
    double kGrowth = k[1] / k[0];
    double cosRise = c[1] - c[0];
    double entropyDrop = h[0] - h[1];
    String values = s.label() + ": |q̄| ×" + Outcome.f(qGrowth) + ", |k̄| ×" + Outcome.f(kGrowth) + ", |cos(q̄,k̄)| "
        + Outcome.f(c[0]) + "→" + Outcome.f(c[1]) + ", entropy " + Outcome.f(h[0]) + "→" + Outcome.f(h[1]);
    if (qGrowth >= rules.minNormGrowth() && kGrowth >= rules.minNormGrowth() && cosRise >= rules.minCosRise()
        && entropyDrop >= rules.minEntropyDrop()) {
      return new Outcome(Verdict.HOLDS, "", values);
    }
    if (qGrowth <= 1 || kGrowth <= 1 || cosRise <= 0 || entropyDrop <= 0) {
      return new Outcome(Verdict.DOES_NOT_HOLD, s.label() + ": a quantity moved the wrong way or not at all", values);
    }
    return new Outcome(Verdict.INCONCLUSIVE, s.label() + ": right direction, below a threshold", values);
  }

  static Outcome judgeRun(String runId, List<SeedRun> seeds, Rules rules) {
    List<Verdict> verdicts = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (SeedRun s : seeds) {
      Outcome o = judgeSeed(s, rules);
      verdicts.add(o.verdict());
      if (!o.reason().isEmpty()) {
        reasons.add(o.reason());
      }
      if (!o.values().isEmpty()) {
        values.add(o.values());
      }
    }
    Verdict v = Verdict.everySeed(verdicts);
    String reason = v == Verdict.HOLDS ? "" : runId + " " + v.label()
        + (reasons.isEmpty() ? "" : " (" + String.join("; ", reasons) + ")");
    return new Outcome(v, reason, String.join("; ", values));
  }

  /** {mean at first, mean at last} of f(value) over every head of every hook carrying {@code metric}. */
  private static double[] pair(RunProbes p, String metric, long first, long last, DoubleUnaryOperator f) {
    return new double[] {mean(p.allValues(metric, first), f), mean(p.allValues(metric, last), f)};
  }

  private static double mean(List<Double> xs, DoubleUnaryOperator f) {
    return xs.isEmpty() ? Double.NaN : xs.stream().mapToDouble(x -> f.applyAsDouble(x)).average().orElseThrow();
  }
}
