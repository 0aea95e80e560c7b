package org.anisoscope.reports.claims;

import org.anisoscope.reports.CsvTable;
import org.anisoscope.reports.ReportException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * rules.conf "untrained-block" (C6): in the sweep's CSV (one row per drift norm and temperature, optionally per
 * seed), at the rules' temperature, the Spearman rank correlation across drift values is at least
 * {@code min-rank-correlation} for the output cos_mean and at most minus that for the attention entropy, in every
 * seed.
 */
final class UntrainedBlockRule {
  private UntrainedBlockRule() {}

  static Outcome judge(String runId, List<SeedRun> seeds, Rules rules) {
    Rules.UntrainedBlock u = rules.untrainedBlock();
    if (seeds.isEmpty()) {
      return Outcome.inconclusive(runId + ": no run");
    }
    SeedRun s = seeds.get(0);
    if (!s.usable()) {
      return Outcome.inconclusive(s.label() + ": " + s.problem().get());
    }
    Path file = s.dir().resolve(u.file());
    if (!Files.isRegularFile(file)) {
      return Outcome.inconclusive(file + " is missing (expected the sweep's CSV)");
    }
    CsvTable t;
    try {
      t = CsvTable.read(file).requireColumns(u.driftColumn(), u.temperatureColumn(), u.outputCosColumn(),
          u.entropyColumn());
    } catch (ReportException e) { // a malformed sweep leaves C6 open; the rest of the table is still written
      return Outcome.inconclusive(e.getMessage());
    }
    boolean perSeed = t.hasColumn(u.seedColumn());
    // seed → drift → {output cos, entropy}
    Map<String, TreeMap<Double, double[]>> groups = new TreeMap<>();
    try {
      collect(t, u, perSeed, groups);
    } catch (ReportException e) {
      return Outcome.inconclusive(e.getMessage());
    }
    if (groups.isEmpty()) {
      return Outcome.inconclusive(file + ": no rows at " + u.temperatureColumn() + " = " + u.temperature());
    }
    List<Verdict> verdicts = new ArrayList<>();
    List<String> values = new ArrayList<>();
    double m = u.minRankCorrelation();
    groups.forEach((seed, byDrift) -> {
      double[] drift = byDrift.keySet().stream().mapToDouble(Double::doubleValue).toArray();
      double[] cos = byDrift.values().stream().mapToDouble(a -> a[0]).toArray();
      double[] ent = byDrift.values().stream().mapToDouble(a -> a[1]).toArray();
      double rc = spearman(drift, cos);
      double re = spearman(drift, ent);
      values.add((perSeed ? "seed " + seed + ": " : "") + drift.length + " drifts, ρ(drift, out cos) " + Outcome.f(rc)
          + ", ρ(drift, entropy) " + Outcome.f(re));
      if (drift.length < 3 || Double.isNaN(rc) || Double.isNaN(re)) {
        verdicts.add(Verdict.INCONCLUSIVE);
      } else if (rc >= m && re <= -m) {
        verdicts.add(Verdict.HOLDS);
      } else if (rc <= 0 || re >= 0) {
        verdicts.add(Verdict.DOES_NOT_HOLD);
      } else {
        verdicts.add(Verdict.INCONCLUSIVE);
      }
    });
    Verdict v = Verdict.everySeed(verdicts);
    return new Outcome(v, v == Verdict.HOLDS ? "" : runId + " " + v.label() + " (per-seed verdicts " + verdicts
        .stream().map(Verdict::label).toList() + ")", s.label() + ": " + String.join("; ", values));
  }

  private static void collect(CsvTable t, Rules.UntrainedBlock u, boolean perSeed,
      Map<String, TreeMap<Double, double[]>> groups) {
    for (int r = 0; r < t.rowCount(); r++) {
      if (Math.abs(t.number(r, u.temperatureColumn()) - u.temperature()) > 1e-9) {
        continue;
      }
      String seed = perSeed ? t.string(r, u.seedColumn()) : "all";
      groups.computeIfAbsent(seed, k -> new TreeMap<>()).put(t.number(r, u.driftColumn()),
          new double[] {t.number(r, u.outputCosColumn()), t.number(r, u.entropyColumn())});
    }
  }

  /** Spearman's rank correlation (average ranks for ties); NaN when either side is constant or not finite. */
  static double spearman(double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
        return Double.NaN;
      }
    }
    double[] rx = ranks(x);
    double[] ry = ranks(y);
    double mx = Arrays.stream(rx).average().orElse(Double.NaN);
    double my = Arrays.stream(ry).average().orElse(Double.NaN);
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (rx[i] - mx) * (ry[i] - my);
      sxx += (rx[i] - mx) * (rx[i] - mx);
      syy += (ry[i] - my) * (ry[i] - my);
    }
    return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
  }

  private static double[] ranks(double[] v) {
    Integer[] idx = new Integer[v.length];
    for (int i = 0; i < v.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Double.compare(v[a], v[b]));
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; ) {
      int j = i;
      while (j + 1 < v.length && v[idx[j + 1]] == v[idx[i]]) {
        j++;
      }
      double avg = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        r[idx[k]] = avg;
      }
      i = j + 1;
    }
    return r;
  }
}
