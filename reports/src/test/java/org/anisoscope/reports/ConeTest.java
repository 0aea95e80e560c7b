package org.anisoscope.reports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cone section: which files it reads, what it does with labels, and bad label or vector files. */
class ConeTest {
  @TempDir
  Path tmp;

  @Test
  void loadsTheFirstAndLastStepOfTheConeHookWithLabels() throws Exception {
    SyntheticRun s = new SyntheticRun(tmp.resolve("run")).cone(true);
    Path run = s.write();
    Cone c = Cone.load(run, Optional.empty()).orElseThrow();
    assertEquals("blocks.1.hook_resid_post", c.hook);
    assertEquals(0, c.first.step());
    assertEquals(s.finalStep(), c.last.step());
    assertEquals(SyntheticRun.CONE_ROWS, c.last.vectors().rows);
    assertEquals(SyntheticRun.CONE_DIM, c.last.vectors().cols);
    Cone.Labels l = c.last.labels().orElseThrow();
    assertEquals("token-frequency quintile", l.kind());
    assertEquals(List.of("q1 (most frequent)", "q2", "q3", "q4", "q5 (rarest)"), l.names());
    assertEquals(-1, l.ids()[0]);
    assertEquals(3, l.ids()[8]);

    // the shifted (final) set sits further out along PC1 than the step-0 set
    double[] mean = new double[2];
    Cone.Snapshot[] both = {c.first, c.last};
    for (int k = 0; k < 2; k++) {
      NpyFile v = both[k].vectors();
      double[][] p = Pca.project(v.data, v.rows, v.cols, Pca.top2(Pca.secondMoment(v.data, v.rows, v.cols)).axes());
      for (double x : p[0]) {
        mean[k] += x / v.rows;
      }
    }
    assertTrue(mean[1] > mean[0] + 0.3, mean[0] + " → " + mean[1]);

    HtmlPage page = new HtmlPage("t");
    c.draw(page);
    String html = page.html();
    assertEquals(2, ReportAssertions.embeddedImages(html).size());
    assertTrue(html.contains("Colour: token-frequency quintile."));
  }

  @Test
  void withoutLabelsTheConeIsOneColourAndWithoutTwoStepsThereIsNone() throws Exception {
    Path run = new SyntheticRun(tmp.resolve("run")).cone(true).write();
    try (var files = Files.walk(run.resolve("probes"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".labels.json")).toList()) {
        Files.delete(p);
      }
    }
    Cone c = Cone.load(run, Optional.empty()).orElseThrow();
    assertTrue(c.first.labels().isEmpty());
    HtmlPage page = new HtmlPage("t");
    c.draw(page);
    assertTrue(page.html().contains("No label file: one colour."));

    Path single = new SyntheticRun(tmp.resolve("single")).write();
    Files.createDirectories(single.resolve("probes/step-0000000"));
    SyntheticRun.writeNpy(single.resolve("probes/step-0000000/hook_embed.npy"), new float[] {1, 2, 3, 4}, 2, 2);
    assertTrue(Cone.load(single, Optional.empty()).isEmpty(), "one step is no comparison");
  }

  @Test
  void aBadLabelFileFailsNamingItAndWhatWasExpected() throws Exception {
    Path f = tmp.resolve("x.labels.json");
    for (String bad : List.of("[1, 2]", "{\"names\": [\"a\"], \"labels\": [0, 0]}",
        "{\"names\": [\"a\"], \"labels\": [0, 0, 1]}", "{\"names\": [\"a\"], \"labels\": [0, \"x\", 0]}", "{")) {
      Files.writeString(f, bad);
      ReportException e = assertThrows(ReportException.class, () -> Cone.readLabels(f, 3), bad);
      assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("expected"), e.getMessage());
    }
    Files.writeString(f, "{\"names\": [\"cat\", \"dog\"], \"labels\": [1, -1, 0]}");
    Cone.Labels ok = Cone.readLabels(f, 3);
    assertArrayEquals(new int[] {1, -1, 0}, ok.ids());
    assertEquals("label", ok.kind());
  }

  @Test
  void npyFilesAreReadAndBadOnesNamed() throws Exception {
    Path f = tmp.resolve("v.npy");
    SyntheticRun.writeNpy(f, new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
    NpyFile v = NpyFile.read(f);
    assertEquals(3, v.rows);
    assertEquals(2, v.cols);
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, v.data);
    Files.writeString(f, "not numpy at all");
    ReportException e = assertThrows(ReportException.class, () -> NpyFile.read(f));
    assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("magic"), e.getMessage());
    byte[] ok = Files.readAllBytes(tmp.resolve("v.npy").resolveSibling("v.npy"));
    assertTrue(ok.length > 0);
  }
}
