package org.anisoscope.reports.claims;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * rules.conf "anisotropic": in every seed some hidden layer's final cos_mean has its lower 95 % bound at least
 * {@code min-lower} and at least {@code min-rise} above its step-0 cos_mean; "not anisotropic": in every seed every
 * hidden layer's upper bound is below {@code max-upper}; otherwise inconclusive.
 */
final class AnisotropyRule {
  static final String COS = "cos_mean";
  static final String LO = "cos_mean_ci_lo";
  static final String HI = "cos_mean_ci_hi";

  private AnisotropyRule() {}

  /** The hidden layer with the largest final cos_mean: its hook, value, interval and step-0 value. */
  record Largest(String hook, double cos, double lo, double hi, double step0) {
    String text() {
      return hook + " " + Outcome.f(cos) + " [" + Outcome.f(lo) + ", " + Outcome.f(hi) + "] (step 0: "
          + Outcome.f(step0) + ")";
    }
  }

  /** The hidden layer with the largest final cos_mean (NaN bounds when the run wrote no interval). */
  static Optional<Largest> largest(RunProbes p, Rules rules) {
    if (p.finalStep().isEmpty()) {
      return Optional.empty();
    }
    long first = p.firstStep().getAsLong();
    long last = p.finalStep().getAsLong();
    Largest best = null;
    for (String hook : p.hiddenHooks(rules.hiddenHooks(), rules.notHiddenHooks())) {
      OptionalDouble cos = p.value(hook, COS, last);
      if (cos.isEmpty() || Double.isNaN(cos.getAsDouble())) {
        continue;
      }
      if (best == null || cos.getAsDouble() > best.cos) {
        best = new Largest(hook, cos.getAsDouble(), or(p.value(hook, LO, last)), or(p.value(hook, HI, last)),
            or(p.value(hook, COS, first)));
      }
    }
    return Optional.ofNullable(best);
  }

  static Outcome judgeSeed(SeedRun s, Rules rules) {
    if (!s.usable()) {
      return Outcome.inconclusive(s.label() + ": " + s.problem().get());
    }
    RunProbes p = s.probes().orElseThrow();
    List<String> hooks = p.hiddenHooks(rules.hiddenHooks(), rules.notHiddenHooks());
    Optional<Largest> max = largest(p, rules);
    if (hooks.isEmpty() || max.isEmpty()) {
      return Outcome.inconclusive(s.label() + ": no hidden-layer cos_mean rows in probes.csv");
    }
    long first = p.firstStep().getAsLong();
    long last = p.finalStep().getAsLong();
    if (first == last) {
      return new Outcome(Verdict.INCONCLUSIVE, s.label() + ": only one probe step (" + last + ")",
          s.label() + ": " + max.get().text());
    }
    boolean some = false;
    boolean allBelow = true;
    boolean noInterval = false;
    for (String hook : hooks) {
      double lo = or(p.value(hook, LO, last));
      double hi = or(p.value(hook, HI, last));
      double c0 = or(p.value(hook, COS, first));
      if (Double.isNaN(lo) || Double.isNaN(hi) || Double.isNaN(c0)) {
        noInterval = true;
        continue;
      }
      some |= lo >= rules.minLower() && lo - c0 >= rules.minRise();
      allBelow &= hi < rules.maxUpper();
    }
    String values = s.label() + ": " + max.get().text();
    if (some) {
      return new Outcome(Verdict.HOLDS, "", values);
    }
    if (noInterval) {
      return new Outcome(Verdict.INCONCLUSIVE, s.label() + ": a hidden layer has no cos_mean interval "
          + "(cos_mean_ci_lo/hi) or step-0 value", values);
    }
    return allBelow ? new Outcome(Verdict.DOES_NOT_HOLD, s.label() + ": every hidden layer's hi < "
        + Outcome.f(rules.maxUpper()), values)
        : new Outcome(Verdict.INCONCLUSIVE, s.label() + ": between the two thresholds", values);
  }

  /** In every seed (see the class comment). */
  static Outcome judgeRun(String runId, List<SeedRun> seeds, Rules rules) {
    List<Verdict> verdicts = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    List<String> values = new ArrayList<>();
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (SeedRun s : seeds) {
      Outcome o = judgeSeed(s, rules);
      verdicts.add(o.verdict());
      if (!o.reason().isEmpty()) {
        reasons.add(o.reason());
      }
      if (!o.values().isEmpty()) {
        values.add(o.values());
      }
      if (s.usable()) {
        Optional<Largest> m = largest(s.probes().get(), rules);
        if (m.isPresent()) {
          lo = Math.min(lo, m.get().cos);
          hi = Math.max(hi, m.get().cos);
        }
      }
    }
    Verdict v = Verdict.everySeed(verdicts);
    String spread = values.size() > 1 ? "; seed spread of the largest " + Outcome.f(lo) + "–" + Outcome.f(hi) : "";
    String reason = v == Verdict.HOLDS ? "" : runId + " " + v.label()
        + (reasons.isEmpty() ? "" : " (" + String.join("; ", reasons) + ")");
    return new Outcome(v, reason, String.join("; ", values) + spread);
  }

  static double or(OptionalDouble d) {
    return d.isPresent() ? d.getAsDouble() : Double.NaN;
  }
}
