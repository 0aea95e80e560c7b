package org.anisoscope.reports.claims;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The claims table as text: {@code claims.csv} (one row per claim: claim, statement, verdict, reason, rule, runs,
 * values), {@code runs.csv} (one row per run directory) and {@code claims.md} (both tables and the provenance).
 */
public final class ClaimsFiles {
  public static final String CLAIMS_CSV = "claims.csv";
  public static final String CLAIMS_MD = "claims.md";
  public static final String RUNS_CSV = "runs.csv";

  private ClaimsFiles() {}

  /** One row of the runs table. */
  public record RunRow(String name, String id, String seed, String status, String valLoss, String largestHook,
      String largest, String lo, String hi, String step0, String anisotropic, String seconds) {

    static RunRow of(SeedRun s, String status, double seconds, Rules rules) {
      String val = s.finalValLoss().isPresent() ? Outcome.f(s.finalValLoss().getAsDouble()) : "";
      Optional<AnisotropyRule.Largest> m = s.probes().flatMap(p -> AnisotropyRule.largest(p, rules));
      String aniso = s.probes().isPresent() ? AnisotropyRule.judgeSeed(s, rules).verdict().label() : "";
      return new RunRow(s.dir().getFileName().toString(), s.runId(), s.seed().map(String::valueOf).orElse(""),
          status, val, m.map(AnisotropyRule.Largest::hook).orElse(""),
          m.map(x -> Outcome.f(x.cos())).orElse(""), m.map(x -> Outcome.f(x.lo())).orElse(""),
          m.map(x -> Outcome.f(x.hi())).orElse(""), m.map(x -> Outcome.f(x.step0())).orElse(""), aniso,
          seconds > 0 ? String.format(java.util.Locale.ROOT, "%.0f", seconds) : "");
    }

    List<String> cells() {
      return List.of(name, id, seed, status, valLoss, largestHook, largest, lo, hi, step0, anisotropic, seconds);
    }
  }

  static final List<String> RUN_COLUMNS = List.of("run", "id", "seed", "status", "final_val_loss", "largest_hook",
      "largest_cos_mean", "ci_lo", "ci_hi", "step0_cos_mean", "anisotropic", "run_seconds");

  public static String claimsCsv(List<ClaimResult> results) {
    StringBuilder b = new StringBuilder("claim,statement,verdict,reason,rule,runs,values\n");
    for (ClaimResult r : results) {
      b.append(String.join(",", List.of(csv(r.claim().id()), csv(r.claim().statement()), csv(r.verdict().label()),
          csv(r.reason()), csv(r.rule()), csv(String.join(" ", r.runs())), csv(r.values())))).append('\n');
    }
    return b.toString();
  }

  public static String runsCsv(List<RunRow> rows) {
    StringBuilder b = new StringBuilder(String.join(",", RUN_COLUMNS)).append('\n');
    for (RunRow r : rows) {
      b.append(String.join(",", r.cells().stream().map(ClaimsFiles::csv).toList())).append('\n');
    }
    return b.toString();
  }

  public static String markdown(List<ClaimResult> results, List<RunRow> runs, Map<String, String> provenance) {
    StringBuilder b = new StringBuilder("# Claims\n\n");
    b.append("Produced by `experiments/paper.sh` (").append(provenance.getOrDefault("mode", "?")).append(") on ")
        .append(provenance.getOrDefault("date", "?")).append(", ").append(provenance.getOrDefault("machine", "?"))
        .append(". Verdicts follow mechanically from the pre-registered rules (`experiments/paper/rules.conf`).\n\n");
    b.append("| claim | statement | verdict | why | runs | values | rule |\n|---|---|---|---|---|---|---|\n");
    for (ClaimResult r : results) {
      b.append("| ").append(md(r.claim().id())).append(" | ").append(md(r.claim().statement())).append(" | **")
          .append(r.verdict().label()).append("** | ").append(md(r.reason())).append(" | ")
          .append(md(String.join(" ", r.runs()))).append(" | ").append(md(r.values())).append(" | ")
          .append(md(r.rule())).append(" |\n");
    }
    b.append("\n## Runs\n\nLargest final hidden-layer `cos_mean` with its 95 % bootstrap interval, and the same "
        + "layer's step-0 value.\n\n| ");
    b.append(String.join(" | ", RUN_COLUMNS)).append(" |\n|").append("---|".repeat(RUN_COLUMNS.size())).append('\n');
    for (RunRow r : runs) {
      b.append("| ").append(String.join(" | ", r.cells().stream().map(ClaimsFiles::md).toList())).append(" |\n");
    }
    b.append("\n## Provenance\n\n");
    provenance.forEach((k, v) -> b.append("- ").append(k).append(": ").append(md(v)).append('\n'));
    return b.toString();
  }

  static String csv(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? '"' + s.replace("\"", "\"\"").replace('\n', ' ') + '"' : s;
  }

  private static String md(String s) {
    return s.replace("|", "\\|").replace('\n', ' ');
  }
}
