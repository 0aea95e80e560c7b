package org.anisoscope.reports;

import org.anisoscope.reports.HtmlPage.Cell;
import org.anisoscope.reports.claims.ClaimResult;
import org.anisoscope.reports.claims.Rules;
import org.anisoscope.reports.claims.RunProbes;
import org.anisoscope.reports.claims.SeedRun;
import org.knowm.xchart.XYChart;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The HTML page of {@code experiments/paper.sh} ({@code OUT_DIR/index.html}): the claims table, one section per
 * claim with a chart of the runs it read and a link to their side-by-side comparison ({@link CompareReport}, in
 * {@code OUT_DIR/compare/<claim>/}), and the provenance. Draws only what the run directories hold.
 */
public final class ClaimsPage {
  public static final String INDEX = "index.html";

  private ClaimsPage() {}

  /** {@link HtmlPage#writeAtomically} for the claims files. */
  public static void writeAtomically(Path target, String text) {
    HtmlPage.writeAtomically(target, text);
  }

  /** Writes {@code outDir/index.html} and the per-claim comparisons; returns the page's path. */
  public static Path write(Path outDir, Rules rules, List<ClaimResult> results, Map<String, List<SeedRun>> runs,
      Map<String, String> provenance) {
    HtmlPage page = new HtmlPage("anisoscope: the paper's claims");
    page.paragraph("Verdicts follow mechanically from the pre-registered rules (experiments/paper/rules.conf) applied "
        + "to the run directories below; values are the largest final hidden-layer cos_mean [95 % bootstrap "
        + "interval] per seed unless the rule says otherwise. Produced " + provenance.getOrDefault("date", "?")
        + " on " + provenance.getOrDefault("machine", "?") + ".");
    List<List<Cell>> rows = new ArrayList<>();
    for (ClaimResult r : results) {
      rows.add(List.of(Cell.text(r.claim().id()), Cell.text(r.claim().statement()), Cell.text(r.verdict().label()),
          Cell.text(r.reason()), Cell.text(String.join(" ", r.runs()))));
    }
    page.table(List.of("claim", "statement", "verdict", "why", "runs"), rows);

    for (ClaimResult r : results) {
      page.h2(r.claim().id() + ": " + r.verdict().label());
      page.paragraph(r.claim().statement() + ". Rule: " + r.rule() + ".");
      if (!r.reason().isEmpty()) {
        page.note(r.reason());
      }
      if (!r.values().isEmpty()) {
        page.details("values", r.values().replace(" | ", "\n").replace("; ", "\n"));
      }
      List<SeedRun> used = new ArrayList<>();
      r.claim().runIds().forEach(id -> runs.getOrDefault(id, List.of()).stream()
          .filter(s -> s.usable()).forEach(used::add));
      chart(page, rules, r, used);
      List<Path> dirs = used.stream().filter(s -> s.probes().isPresent()).map(SeedRun::dir).toList();
      if (!dirs.isEmpty()) {
        Path cmp = outDir.resolve("compare").resolve(r.claim().id());
        try {
          CompareReport.write(cmp, dirs);
          page.paragraph("Side by side (loss, cos_mean by depth and over training): compare/" + r.claim().id() + "/"
              + CompareReport.INDEX);
        } catch (ReportException e) {
          page.note("No comparison page: " + e.getMessage());
        }
      }
    }
    page.h2("Provenance");
    page.keyValues(provenance);
    Path index = outDir.resolve(INDEX);
    HtmlPage.writeAtomically(index, page.html());
    return index;
  }

  private static void chart(HtmlPage page, Rules rules, ClaimResult r, List<SeedRun> used) {
    String rule = r.claim().rule();
    if (rule.equals(Rules.UNTRAINED_BLOCK)) {
      page.note("The sweep draws its own plot in its run directory (" + used.stream().map(s -> s.dir().toString())
          .findFirst().orElse("not run") + ").");
      return;
    }
    XYChart c;
    if (rule.equals(Rules.DRIFT)) {
      c = Plots.chart(r.claim().id() + ": attention entropy over training", "step",
          "attn_entropy (nats, mean over heads and layers)", Plots.WIDTH, Plots.HEIGHT);
    } else {
      c = Plots.chart(r.claim().id() + ": final cos_mean by hidden layer", "hidden layer (1 = first block)",
          "cos_mean at the last probe step", Plots.WIDTH, Plots.HEIGHT);
      Plots.integerXAxis(c);
    }
    boolean any = false;
    for (int i = 0; i < used.size(); i++) {
      SeedRun s = used.get(i);
      if (s.probes().isEmpty()) {
        continue;
      }
      RunProbes p = s.probes().get();
      Map<Number, Number> xy = new LinkedHashMap<>();
      if (rule.equals(Rules.DRIFT)) {
        for (long step : p.steps()) {
          List<Double> v = p.allValues("attn_entropy", step);
          if (!v.isEmpty()) {
            xy.put(step, v.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
          }
        }
      } else if (p.finalStep().isPresent()) {
        long last = p.finalStep().getAsLong();
        // the hidden hooks as the rules see them, in file order (a Transformer's blocks in block order)
        TreeMap<Integer, Double> byLayer = new TreeMap<>();
        int k = 1;
        for (String hook : p.hiddenHooks(rules.hiddenHooks(), rules.notHiddenHooks())) {
          OptionalDouble v = p.value(hook, "cos_mean", last);
          if (v.isPresent()) {
            byLayer.put(k, v.getAsDouble());
          }
          k++;
        }
        xy.putAll(byLayer);
      }
      any |= Plots.line(c, s.dir().getFileName().toString(), xy, Plots.categorical(i));
    }
    if (any) {
      page.figure(Plots.png(c), r.claim().id() + " chart", rule.equals(Rules.DRIFT)
          ? "Mean attention entropy over all heads and layers against step, per run and seed."
          : "Final cos_mean of each hidden layer, per run and seed (the rules compare the largest).");
    } else {
      page.note("No chart: none of this claim's runs has probe data here.");
    }
  }
}
