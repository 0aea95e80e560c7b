package org.anisoscope.reports.claims;

import org.anisoscope.reports.CsvTable;
import org.anisoscope.reports.ReportException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Claims over several runs, the rules file itself, and the claims table's files. */
class ClaimEngineTest {
  @TempDir
  Path tmp;

  private static List<SeedRun> run(String id, double... tops) {
    List<SeedRun> out = new java.util.ArrayList<>();
    for (int i = 0; i < tops.length; i++) {
      out.add(ProbeTable.run(tops[i]).seed(id, i + 1));
    }
    return out;
  }

  private static ClaimResult claim(String id, Map<String, List<SeedRun>> runs) {
    Rules rules = RulesFixture.rules();
    Rules.Claim c = rules.claims().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
    return ClaimEngine.evaluate(rules, c, runs);
  }

  @Test
  void theRulesFileHoldsNineClaimsWithTheirRuns() {
    Rules r = RulesFixture.rules();
    assertEquals(List.of("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9"),
        r.claims().stream().map(Rules.Claim::id).toList());
    assertEquals(List.of("word-lm", "bpe-lm"), r.claims().get(0).runs());
    assertEquals(List.of(List.of("char-lm-qknorm", "char-lm")), r.claims().get(7).pairs());
    // every id a claim names is an entry of the matrix
    List<String> ids = Matrix.load(RulesFixture.MATRIX).entries().stream().map(Matrix.Entry::id).toList();
    r.claims().forEach(c -> c.runIds().forEach(id -> assertTrue(ids.contains(id), c.id() + ": " + id)));
  }

  @Test
  void aClaimOverSeveralRunsReachesEachVerdict() {
    Map<String, List<SeedRun>> runs = new LinkedHashMap<>();
    runs.put("char-lm", run("char-lm", 0.8, 0.7));
    runs.put("byte-lm", run("byte-lm", 0.6, 0.9));
    assertEquals(Verdict.HOLDS, claim("C2", runs).verdict());
    assertEquals("", claim("C2", runs).reason());
    assertEquals(List.of("char-lm-s1", "char-lm-s2", "byte-lm-s1", "byte-lm-s2"), claim("C2", runs).runs());

    runs.put("byte-lm", run("byte-lm", 0.1, 0.15));
    ClaimResult refuted = claim("C2", runs);
    assertEquals(Verdict.DOES_NOT_HOLD, refuted.verdict());
    assertTrue(refuted.reason().startsWith("byte-lm does not hold"), refuted.reason());

    runs.put("byte-lm", run("byte-lm", 0.8, 0.15));
    assertEquals(Verdict.INCONCLUSIVE, claim("C2", runs).verdict());
  }

  @Test
  void missingRunsMakeAClaimInconclusiveAndAreNamedUnlessAnotherRunRefutesIt() {
    Map<String, List<SeedRun>> runs = new LinkedHashMap<>();
    runs.put("char-lm", run("char-lm", 0.8));
    runs.put("byte-lm", List.of(SeedRun.missing("byte-lm", Optional.of(1L), tmp.resolve("byte-lm-s1"),
        "not available (config configs/byte-lm.conf missing)")));
    ClaimResult open = claim("C2", runs);
    assertEquals(Verdict.INCONCLUSIVE, open.verdict());
    assertEquals("runs missing: byte-lm s1 (not available (config configs/byte-lm.conf missing))", open.reason());

    runs.put("char-lm", run("char-lm", 0.1));
    ClaimResult refuted = claim("C2", runs);
    assertEquals(Verdict.DOES_NOT_HOLD, refuted.verdict());
    assertTrue(refuted.reason().contains("char-lm does not hold"), refuted.reason());
    assertTrue(refuted.reason().contains("runs missing: byte-lm s1"), refuted.reason());

    ClaimResult absent = claim("C1", runs); // neither word-lm nor bpe-lm in the map
    assertEquals(Verdict.INCONCLUSIVE, absent.verdict());
    assertTrue(absent.reason().contains("word-lm (not in the matrix)"), absent.reason());
  }

  @Test
  void comparisonClaimsCombineTheirPairs() {
    Map<String, List<SeedRun>> runs = new LinkedHashMap<>();
    runs.put("char-lm", run("char-lm", 0.8, 0.8));
    runs.put("char-mlm", run("char-mlm", 0.6, 0.7));
    runs.put("char-lm-mixer", run("char-lm-mixer", 0.2, 0.3));
    runs.put("char-mlm-mixer", run("char-mlm-mixer", 0.1, 0.2));
    assertEquals(Verdict.HOLDS, claim("C7", runs).verdict());
    runs.put("char-mlm-mixer", run("char-mlm-mixer", 0.6, 0.65));
    assertEquals(Verdict.DOES_NOT_HOLD, claim("C7", runs).verdict());
  }

  @Test
  void theClaimsCsvHasTheStableColumnsAndOneRowPerClaim() {
    Map<String, List<SeedRun>> runs = new LinkedHashMap<>();
    runs.put("char-lm", run("char-lm", 0.8));
    List<ClaimResult> results = ClaimEngine.evaluate(RulesFixture.rules(), runs);
    CsvTable t = CsvTable.parse(Path.of("claims.csv"), ClaimsFiles.claimsCsv(results));
    assertEquals(List.of("claim", "statement", "verdict", "rule", "runs", "values"), t.header().stream()
        .filter(h -> !h.equals("reason")).toList());
    assertEquals(9, t.rowCount());
    assertEquals("C2", t.string(1, "claim"));
    assertEquals("inconclusive", t.string(1, "verdict"));
    assertTrue(t.string(1, "values").contains("char-lm s1: blocks.2.hook_resid_post 0.800 [0.780, 0.820]"),
        t.string(1, "values"));
    assertTrue(t.string(1, "rule").contains("lo >= 0.2"), t.string(1, "rule"));
  }

  @Test
  void aBadRulesFileFailsNamingTheFileAndTheKey() throws Exception {
    Path noKey = tmp.resolve("no-key.conf");
    Files.writeString(noKey, Files.readString(RulesFixture.RULES).replace("min-rise = 0.1", ""));
    ReportException e = assertThrows(ReportException.class, () -> Rules.load(noKey));
    assertTrue(e.getMessage().contains("no-key.conf") && e.getMessage().contains("min-rise"), e.getMessage());

    Path badRule = tmp.resolve("bad-rule.conf");
    Files.writeString(badRule, Files.readString(RulesFixture.RULES).replace("rule = drift", "rule = drfit"));
    e = assertThrows(ReportException.class, () -> Rules.load(badRule));
    assertTrue(e.getMessage().contains("claim C5: rule 'drfit' is unknown"), e.getMessage());

    Path badRatio = tmp.resolve("bad-ratio.conf");
    Files.writeString(badRatio, Files.readString(RulesFixture.RULES).replace("max-ratio = 0.5", "max-ratio = 0"));
    e = assertThrows(ReportException.class, () -> Rules.load(badRatio));
    assertTrue(e.getMessage().contains("paper.rules.markedly-less.max-ratio = 0.0"), e.getMessage());

    e = assertThrows(ReportException.class, () -> Rules.load(tmp.resolve("absent.conf")));
    assertTrue(e.getMessage().contains("absent.conf: no such file"), e.getMessage());
  }
}
