package org.anisoscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportMainTest {
  @TempDir
  Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return ReportMain.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private void assertOneLineError(String mustContain) {
    String e = err();
    assertTrue(e.startsWith("error: "), e);
    assertEquals(1, e.strip().lines().count(), "one line: " + e);
    assertTrue(e.contains(mustContain), e);
    assertFalse(e.contains("\tat "), "no stack trace");
  }

  @Test
  void runDirectoryWritesReportAndPrintsItsPath() throws Exception {
    Path run = new SyntheticRun(tmp.resolve("run")).perHead(false).write();
    assertEquals(0, run(run.toString()));
    assertEquals(run.resolve("report/index.html").toString(), out.toString(StandardCharsets.UTF_8).strip());
    assertTrue(Files.isRegularFile(run.resolve("report/index.html")));
  }

  @Test
  void missingRunDirectoryExitsTwoWithOneLine() {
    Path missing = tmp.resolve("nope");
    assertEquals(2, run(missing.toString()));
    assertOneLineError(missing + ": no such directory");
  }

  @Test
  void malformedCsvExitsTwoNamingFileAndLine() throws Exception {
    Path run = Files.createDirectories(tmp.resolve("bad"));
    Files.writeString(run.resolve("train.csv"), "step,epoch,loss\n1,0,2.5\n2,0,abc\n");
    assertEquals(2, run(run.toString()));
    assertOneLineError("train.csv line 3");
  }

  @Test
  void compareWritesOutputAndPrintsTable() throws Exception {
    Path a = new SyntheticRun(tmp.resolve("a")).perHead(false).write();
    Path b = new SyntheticRun(tmp.resolve("b")).perHead(false).write();
    Path cmp = tmp.resolve("cmp");
    assertEquals(0, run("--compare", cmp.toString(), a.toString(), b.toString()));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("d0") && printed.contains("val_loss"), printed);
    assertTrue(printed.strip().endsWith(cmp.resolve("index.html").toString()), printed);
    assertTrue(Files.isRegularFile(cmp.resolve("compare.csv")));
  }

  @Test
  void badUsageExitsTwo() {
    assertEquals(2, run());
    assertTrue(err().contains("usage"));
    err.reset();
    assertEquals(2, run("--compare", tmp.toString()));
    assertOneLineError("--compare needs OUT_DIR and at least one RUN_DIR");
    err.reset();
    assertEquals(2, run("--frobnicate"));
    assertOneLineError("unknown option '--frobnicate'");
    err.reset();
    assertEquals(2, run("--compare", tmp.resolve("o").toString(), "--metric"));
    assertOneLineError("--metric needs a metric name");
    err.reset();
    assertEquals(2, run("--compare", tmp.resolve("o").toString(), "--metric", "cos_mean"));
    assertOneLineError("--compare needs OUT_DIR and at least one RUN_DIR");
    err.reset();
    assertEquals(2, run("--compare", tmp.resolve("o").toString(), "-x", tmp.toString()));
    assertOneLineError("unknown option '-x'");
  }

  @Test
  void compareWithAMetricNobodyHasExitsTwoNamingIt() throws Exception {
    Path a = new SyntheticRun(tmp.resolve("a")).perHead(false).write();
    Path cmp = tmp.resolve("cmp");
    assertEquals(2, run("--compare", cmp.toString(), "--metric", "isoscore", a.toString()));
    assertOneLineError("--metric isoscore: no run has it");
    assertTrue(!Files.exists(cmp), "nothing written");
    assertEquals(0, run("--compare", cmp.toString(), "--metric", "norm_mean_ratio", a.toString()));
    assertTrue(Files.readString(cmp.resolve("compare.csv")).contains(",norm_mean_ratio,"));
  }
}
