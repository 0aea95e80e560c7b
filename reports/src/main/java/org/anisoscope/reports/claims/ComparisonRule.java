package org.anisoscope.reports.claims;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The control-against-twin rules of rules.conf: "markedly-less" (C7, C9) and "lower-at-equal-loss" (C8). Seeds are
 * paired in matrix order (seed i of the control with seed i of the twin). Both compare each run's largest final
 * hidden-layer cos_mean, and both need the twin to be anisotropic by {@link AnisotropyRule}: a twin with no
 * anisotropy leaves nothing to be less of.
 */
final class ComparisonRule {
  private ComparisonRule() {}

  static Outcome judge(String rule, String controlId, List<SeedRun> control, String twinId, List<SeedRun> twin,
      Rules rules) {
    String pair = controlId + " vs " + twinId;
    int n = Math.max(control.size(), twin.size());
    List<Verdict> verdicts = new ArrayList<>();
    List<String> values = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (i >= control.size() || i >= twin.size()) {
        verdicts.add(Verdict.INCONCLUSIVE);
        reasons.add("seed " + (i + 1) + " has no partner");
        continue;
      }
      SeedRun c = control.get(i);
      SeedRun t = twin.get(i);
      Optional<String> problem = problem(c).or(() -> problem(t));
      if (problem.isPresent()) {
        verdicts.add(Verdict.INCONCLUSIVE);
        reasons.add(problem.get());
        continue;
      }
      Optional<AnisotropyRule.Largest> mc = AnisotropyRule.largest(c.probes().get(), rules);
      Optional<AnisotropyRule.Largest> mt = AnisotropyRule.largest(t.probes().get(), rules);
      if (mc.isEmpty() || mt.isEmpty()) {
        verdicts.add(Verdict.INCONCLUSIVE);
        reasons.add((mc.isEmpty() ? c : t).label() + ": no hidden-layer cos_mean rows");
        continue;
      }
      double ratio = mc.get().cos() / mt.get().cos();
      String v = c.label() + " " + withInterval(mc.get()) + " / " + t.label() + " " + withInterval(mt.get())
          + " = " + Outcome.f(ratio);
      if (rule.equals(Rules.MARKEDLY_LESS)) {
        verdicts.add(ratio <= rules.markedlyLessRatio() ? Verdict.HOLDS : Verdict.DOES_NOT_HOLD);
        values.add(v);
        continue;
      }
      if (c.finalValLoss().isEmpty() || t.finalValLoss().isEmpty()) {
        verdicts.add(Verdict.INCONCLUSIVE);
        reasons.add((c.finalValLoss().isEmpty() ? c : t).label() + ": no validation loss in eval.csv");
        values.add(v);
        continue;
      }
      double lc = c.finalValLoss().getAsDouble();
      double lt = t.finalValLoss().getAsDouble();
      double rise = (lc - lt) / lt;
      values.add(v + ", val loss " + Outcome.f(lc) + " vs " + Outcome.f(lt) + " (" + String.format(
          java.util.Locale.ROOT, "%+.1f", 100 * rise) + " %)");
      if (ratio <= rules.lowerRatio() && rise <= rules.maxLossRise()) {
        verdicts.add(Verdict.HOLDS);
      } else if (ratio >= 1 || rise > rules.maxLossRise()) {
        verdicts.add(Verdict.DOES_NOT_HOLD);
      } else {
        verdicts.add(Verdict.INCONCLUSIVE);
        reasons.add(c.label() + ": lower, but by less than the rule asks");
      }
    }
    // the values are shown even when the twin decides the verdict, so the table never hides a measured pair
    Outcome twinAniso = AnisotropyRule.judgeRun(twinId, twin, rules);
    if (twinAniso.verdict() != Verdict.HOLDS) {
      return new Outcome(Verdict.INCONCLUSIVE, pair + ": twin not anisotropic by the rule ("
          + twinAniso.reason() + ")", String.join("; ", values));
    }
    Verdict verdict = Verdict.everySeed(verdicts);
    String reason = verdict == Verdict.HOLDS ? "" : pair + " " + verdict.label()
        + (reasons.isEmpty() ? "" : " (" + String.join("; ", reasons) + ")");
    return new Outcome(verdict, reason, String.join("; ", values));
  }

  private static String withInterval(AnisotropyRule.Largest m) {
    return Outcome.f(m.cos()) + " [" + Outcome.f(m.lo()) + ", " + Outcome.f(m.hi()) + "]";
  }

  private static Optional<String> problem(SeedRun s) {
    if (!s.usable()) {
      return Optional.of(s.label() + ": " + s.problem().get());
    }
    return s.probes().isEmpty() ? Optional.of(s.label() + ": no probes.csv") : Optional.empty();
  }
}
