package org.anisoscope.reports;

import static org.anisoscope.reports.ReportAssertions.assertSelfContainedHtml;
import static org.anisoscope.reports.ReportAssertions.count;
import static org.anisoscope.reports.ReportAssertions.embeddedImages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {
  private static Locale saved;

  @TempDir
  Path tmp;

  /** Surefire runs under a German locale; set it here too so "%.3f" bugs show from an IDE as well. */
  @BeforeAll
  static void german() {
    saved = Locale.getDefault();
    Locale.setDefault(Locale.GERMANY);
  }

  @AfterAll
  static void restore() {
    Locale.setDefault(saved);
  }

  /**
   * A runtime that cannot load its font libraries (seen on a GPU machine: libfontmanager.so needing
   * libharfbuzz.so.0) gets one warning line naming the run and the way to draw it later; other failures still throw.
   */
  @Test
  void missingFontLibrariesWarnInsteadOfFailingTheRun() throws Exception {
    Path run = new SyntheticRun(tmp.resolve("tiny-20250101-100000")).write();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.PrintStream out = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
    Path none = RunReport.writeOrWarn(run, out, r -> {
      throw new UnsatisfiedLinkError("libfontmanager.so: libharfbuzz.so.0: cannot open shared object file");
    });
    assertEquals(null, none);
    String said = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(1, said.lines().count(), said);
    assertTrue(said.startsWith("report: not drawn: ") && said.contains("libharfbuzz.so.0")
        && said.contains("experiments/report.sh " + run), said);
    assertFalse(Files.exists(run.resolve(RunReport.INDEX)));
    assertThrows(IllegalStateException.class, () -> RunReport.writeOrWarn(run, out, r -> {
      throw new IllegalStateException("a bug, not a missing library");
    }));
    assertEquals(run.resolve(RunReport.INDEX), RunReport.writeOrWarn(run, out));
    assertTrue(Files.exists(run.resolve(RunReport.INDEX)));
  }

  @Test
  void fullRunGetsSelfContainedReportWithEveryFigure() throws Exception {
    Path run = new SyntheticRun(tmp.resolve("tiny-20250101-100000")).cone(true).write();
    Path index = RunReport.write(run);
    assertEquals(run.resolve("report/index.html"), index);
    String html = Files.readString(index);
    assertSelfContainedHtml(html);
    assertTrue(html.contains("<title>tiny-20250101-100000</title>"));
    List<String> alts = List.of("loss against step", "cos_mean against depth, one line per probe step",
        "cos_mean over training, one line per depth", "heat map of cos_mean, depth by probe step",
        "cos_mean per token-frequency group", "PCA scatter of blocks.1.hook_resid_post at steps 0 and 300",
        "histogram of pairwise cosines at steps 0 and 300", "metrics against depth at step 300",
        "qk_mean_cos per head, one panel per block", "q_mean_norm per head, one panel per block",
        "k_mean_norm per head, one panel per block", "attn_entropy per head, one panel per block");
    for (String alt : alts) {
      assertTrue(html.contains("alt=\"" + alt + "\""), "figure " + alt);
    }
    List<BufferedImage> images = embeddedImages(html);
    assertEquals(alts.size(), images.size());
    for (BufferedImage img : images) {
      assertEquals(800, img.getWidth());
    }
    assertEquals(450, images.get(0).getHeight());
  }

  @Test
  void finalStepTableHoldsTheExactValuesWritten() throws Exception {
    SyntheticRun synthetic = new SyntheticRun(tmp.resolve("run"));
    Path run = synthetic.write();
    String html = Files.readString(RunReport.write(run));
    long last = synthetic.finalStep();
    assertTrue(html.contains("at step " + last));
    for (int d = 0; d <= synthetic.layers; d++) {
      for (double v : new double[] {synthetic.cosMean(d, last), synthetic.cosMeanCentered(d, last),
          synthetic.normMeanRatio(d, last)}) {
        String cell = "<td class=\"num\" title=\"" + v + "\">" + Fmt.num(v) + "</td>";
        assertTrue(html.contains(cell), "missing " + cell);
      }
    }
    // the table row of depth 2 is blocks.1.hook_resid_post, with its cos_mean right after the hook name
    assertTrue(html.contains("<td>2</td><td>blocks.1.hook_resid_post</td><td class=\"num\" title=\""
        + synthetic.cosMean(2, last) + "\">"));
    // per-head metrics: the mean over the heads of block 1
    double entropy = (synthetic.attnEntropy(1, 0, last) + synthetic.attnEntropy(1, 1, last)) / 2;
    assertTrue(html.contains("title=\"" + entropy + "\">" + Fmt.num(entropy) + "<"), "attention table");
    assertFalse(html.matches("(?s).*>-?\\d+,\\d+<.*"), "a number formatted with a decimal comma");
  }

  @Test
  void provenanceFactsAndConfigAreShown() throws Exception {
    Path run = new SyntheticRun(tmp.resolve("run")).write();
    String html = Files.readString(RunReport.write(run));
    for (String fact : List.of("0.1.0-SNAPSHOT", "0123456789abcdef0123456789abcdef01234567", "CpuBackend",
        "OPENBLAS", "<th>seed</th><td>7</td>", "2025-01-01T10:00:00Z", "2025-01-01T10:05:00Z")) {
      assertTrue(html.contains(fact), "provenance fact " + fact);
    }
    // config verbatim in a collapsible block, escaped
    assertTrue(html.contains("<details><summary>config.conf"));
    assertTrue(html.contains("note = &quot;&lt;b&gt;not bold&lt;/b&gt; &amp; fine&quot;"));
    assertFalse(html.contains("<b>not bold</b>"));
  }

  @Test
  void plotsWithoutTheirDataAreSkippedWithANote() throws Exception {
    Path run = new SyntheticRun(tmp.resolve("run")).perHead(false).write();
    String html = Files.readString(RunReport.write(run));
    assertEquals(6, embeddedImages(html).size()); // loss, 3 × cos_mean, frequency groups, other metrics
    assertTrue(html.contains("No per-head data"));
    assertTrue(html.contains("No cone: the run has no probe vectors saved at two steps"));
  }

  @Test
  void runWithHeadersOnlyRendersWithNoDataNotes() throws Exception {
    Path run = SyntheticRun.headersOnly(tmp.resolve("fresh"), List.of("train.csv", "eval.csv", "probes.csv"));
    Files.writeString(run.resolve("config.conf"), "anisoscope.run.seed = 1\n");
    String html = Files.readString(RunReport.write(run));
    assertSelfContainedHtml(html);
    assertEquals(0, count(html, "data:image/png;base64,"));
    assertTrue(html.contains("No data for the loss plot"));
    assertTrue(html.contains("No data for the cos_mean plot"));
    assertTrue(html.contains("probes.csv has a header but no data rows yet"));
    assertTrue(html.contains("provenance.json is missing"));
  }

  @Test
  void runWithMissingFilesRendersNamingThem() throws Exception {
    Path run = Files.createDirectories(tmp.resolve("only-config"));
    Files.writeString(run.resolve("config.conf"), "anisoscope.run.seed = 1\n");
    String html = Files.readString(RunReport.write(run));
    assertSelfContainedHtml(html);
    for (String missing : List.of("train.csv is missing", "eval.csv is missing", "probes.csv is missing",
        "provenance.json is missing")) {
      assertTrue(html.contains(missing), missing);
    }
    assertTrue(html.contains("No data for the final-step table"));
  }

  @Test
  void runAtStepZeroWithNonFiniteValuesRenders() throws Exception {
    Path run = Files.createDirectories(tmp.resolve("step0"));
    Files.writeString(run.resolve("probes.csv"), """
        step,epoch,hook,layer,head,metric,value
        0,0,hook_embed,,,cos_mean,0.125
        0,0,blocks.0.hook_resid_post,0,,cos_mean,NaN
        0,0,blocks.0.hook_resid_post,0,,norm_mean_ratio,Infinity
        0,0,blocks.0.attn.hook_pattern,0,0,attn_entropy,2.75
        0,0,blocks.0.attn.hook_pattern,0,1,attn_entropy,2.25
        """);
    String html = Files.readString(RunReport.write(run));
    assertSelfContainedHtml(html);
    embeddedImages(html); // every plot that was drawn decodes
    assertTrue(html.contains("title=\"0.125\">0.125<"));
    assertTrue(html.contains("title=\"NaN\">NaN<"));
    assertTrue(html.contains("title=\"Infinity\">Infinity<"));
    assertTrue(html.contains("title=\"2.5\">2.5<"), "attn_entropy averaged over the two heads");
  }

  @Test
  void malformedProbesFailWithOneLineNamingFileAndLine() throws Exception {
    Path run = new SyntheticRun(tmp.resolve("run")).write();
    Files.writeString(run.resolve("probes.csv"), "0,0,hook_embed,,,cos_mean,0,5\n", java.nio.file.StandardOpenOption.APPEND);
    int lines = Files.readAllLines(run.resolve("probes.csv")).size();
    ReportException e = assertThrows(ReportException.class, () -> RunReport.write(run));
    assertTrue(e.getMessage().contains("probes.csv line " + lines), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertFalse(Files.exists(run.resolve("report/index.html")), "no report from a malformed run");
  }

  @Test
  void writingTouchesNothingElseInTheRunDirectory() throws Exception {
    Path run = new SyntheticRun(tmp.resolve("run")).write();
    Files.createDirectories(run.resolve("checkpoints"));
    Files.writeString(run.resolve("checkpoints/latest.bin"), "weights");
    Files.createDirectories(run.resolve("report"));
    Files.writeString(run.resolve("report/index.html"), "old report");
    Files.writeString(run.resolve("report/notes.txt"), "mine");
    Map<Path, String> before = snapshot(run);

    RunReport.write(run);
    RunReport.write(run);

    Map<Path, String> after = snapshot(run);
    assertTrue(Files.readString(run.resolve("report/index.html")).startsWith("<!DOCTYPE html>"), "old report replaced");
    after.remove(Path.of("report/index.html"));
    before.remove(Path.of("report/index.html"));
    assertEquals(before, after, "files other than report/index.html changed, appeared or vanished");
  }

  @Test
  void notARunDirectoryFailsNamingThePath() throws Exception {
    Path missing = tmp.resolve("no-such-run");
    ReportException e = assertThrows(ReportException.class, () -> RunReport.write(missing));
    assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("no such directory"));
    // the parent of the runs, not a run: nothing is written into it
    new SyntheticRun(tmp.resolve("runs/a")).write();
    e = assertThrows(ReportException.class, () -> RunReport.write(tmp.resolve("runs")));
    assertTrue(e.getMessage().contains("none of"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("runs/report")));
  }

  /** relative path → size, modification time and content hash of every file under {@code dir}. */
  private static Map<Path, String> snapshot(Path dir) throws Exception {
    Map<Path, String> m = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(p)) {
          byte[] bytes = Files.readAllBytes(p);
          FileTime t = Files.getLastModifiedTime(p);
          m.put(dir.relativize(p), bytes.length + " " + t.toMillis() + " " + java.util.Arrays.hashCode(bytes));
        }
      }
    }
    return m;
  }
}
