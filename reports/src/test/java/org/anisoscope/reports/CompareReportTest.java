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
    assertEquals(2, embeddedImages(html).size());
    assertTrue(html.contains("<td>run-a</td>") && html.contains("<td>run-b</td>"));

    List<String> csv = Files.readAllLines(out.resolve("compare.csv"));
    assertEquals("run,depth,hook,cos_mean", csv.get(0));
    assertEquals(1 + 3 + 4, csv.size());
    long last = a.finalStep();
    assertTrue(csv.contains("run-a,0,hook_embed," + a.cosMean(0, last)));
    assertTrue(csv.contains("run-b,3,blocks.2.hook_resid_post," + b.cosMean(3, last)));
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
