package org.anisoscope.reports;

import static org.anisoscope.reports.ReportAssertions.assertSelfContainedHtml;
import static org.anisoscope.reports.ReportAssertions.embeddedImages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareReportTest {
  @TempDir
  Path tmp;

  private SyntheticRun a;
  private SyntheticRun b;

  private List<Path> twoRuns() throws Exception {
    a = new SyntheticRun(tmp.resolve("runs/run-a")).layers(2);
    b = new SyntheticRun(tmp.resolve("runs/run-b")).layers(3).cosOffset(0.05).perHead(false);
    return List.of(a.write(), b.write());
  }

  private static List<String[]> rows(String table) {
    List<String[]> rows = new ArrayList<>();
    for (String line : table.split("\n")) {
      rows.add(line.trim().split("\\s+"));
    }
    return rows;
  }

  @Test
  void tableHasADepthColumnPerDepthOfTheDeepestRunAndTheFinalValues() throws Exception {
    List<String[]> rows = rows(CompareReport.table(twoRuns()));
    // rows.get(0) is the title line
    assertEquals(List.of("run", "d0", "d1", "d2", "d3", "val_loss"), List.of(rows.get(1)));
    String[] ra = rows.get(2);
    String[] rb = rows.get(3);
    assertEquals("run-a", ra[0]);
    assertEquals("run-b", rb[0]);
    long last = a.finalStep();
    for (int d = 0; d <= 2; d++) {
      assertEquals(Fmt.fixed(a.cosMean(d, last), 4), ra[1 + d], "run-a depth " + d);
    }
    assertEquals("-", ra[4], "run-a has no depth 3");
    for (int d = 0; d <= 3; d++) {
      assertEquals(Fmt.fixed(b.cosMean(d, last), 4), rb[1 + d], "run-b depth " + d);
    }
    assertEquals("1.5000", ra[5]);
    assertEquals("1.5000", rb[5]);
  }

  @Test
  void writeProducesHtmlWithTwoPlotsAndLongFormatCsv() throws Exception {
    List<Path> runs = twoRuns();
    Path out = tmp.resolve("cmp");
    String table = CompareReport.write(out, runs);
    assertEquals(CompareReport.table(runs), table);

    String html = Files.readString(out.resolve("index.html"));
    assertSelfContainedHtml(html);
    // cos_mean and two more metrics against normalised depth, and the last block over training
    assertEquals(4, embeddedImages(html).size());
    // one colour per run, the same in the runs table and the final-values table
    assertTrue(html.contains("background:#1f77b4\"></span>run-a</td>") && html.contains("background:#ff7f0e\"></span>run-b</td>"));
    assertEquals(2 + 2 * 3, ReportAssertions.count(html, "background:#"), "2 runs × (runs table + 3 final-value rows)");

    List<String> csv = Files.readAllLines(out.resolve("compare.csv"));
    assertEquals(CompareFigures.CSV_HEADER, csv.get(0));
    assertEquals(1 + 3 * (3 + 4), csv.size(), "3 metrics × (3 depths of run-a + 4 of run-b)");
    long last = a.finalStep();
    assertTrue(csv.contains("run-a,,,300,0,0.000000,hook_embed,cos_mean," + a.cosMean(0, last) + ","
        + SyntheticRun.round4(a.cosMean(0, last) - a.ciHalfWidth) + "," + SyntheticRun.round4(a.cosMean(0, last)
        + a.ciHalfWidth)), csv.toString());
    assertTrue(csv.contains("run-b,,,300,3,1.000000,blocks.2.hook_resid_post,norm_mean_ratio,"
        + b.normMeanRatio(3, last) + ",,"), csv.toString());
    // depth 1 of 2 and depth 2 of 3 are normalised depths 0.5 and 0.666667
    assertTrue(csv.stream().anyMatch(l -> l.startsWith("run-a,,,300,1,0.500000,")));
    assertTrue(csv.stream().anyMatch(l -> l.startsWith("run-b,,,300,2,0.666667,")));
  }

  @Test
  void aChosenMetricIsDrawnAndAnUnknownOneIsNamed() throws Exception {
    List<Path> runs = twoRuns();
    Path out = tmp.resolve("cmp");
    CompareReport.write(out, runs, List.of("norm_mean_ratio"));
    String html = Files.readString(out.resolve("index.html"));
    assertEquals(3, embeddedImages(html).size());
    assertTrue(html.contains("alt=\"norm_mean_ratio against normalised depth, one line per run\""));
    ReportException e = assertThrows(ReportException.class,
        () -> CompareReport.write(tmp.resolve("cmp2"), runs, List.of("eff_rank")));
    assertTrue(e.getMessage().contains("eff_rank") && e.getMessage().contains("cos_mean_centered"), e.getMessage());
    assertTrue(!Files.exists(tmp.resolve("cmp2")), "nothing written");
  }

  @Test
  void runsWithTheSameNameAreTellApartByPath() throws Exception {
    Path x = new SyntheticRun(tmp.resolve("x/run")).write();
    Path y = new SyntheticRun(tmp.resolve("y/run")).write();
    String table = CompareReport.table(List.of(x, y));
    assertTrue(table.contains(x.toString()) && table.contains(y.toString()), table);
  }

  @Test
  void runWithoutProbesShowsDashes() throws Exception {
    Path fresh = SyntheticRun.headersOnly(tmp.resolve("fresh"), List.of("train.csv", "probes.csv"));
    Path full = new SyntheticRun(tmp.resolve("full")).write();
    List<String[]> rows = rows(CompareReport.table(List.of(fresh, full)));
    assertEquals(List.of("fresh", "-", "-", "-", "-"), List.of(rows.get(2)));
  }

  @Test
  void noRunsIsAnError() {
    assertThrows(ReportException.class, () -> CompareReport.table(List.of()));
  }
}
