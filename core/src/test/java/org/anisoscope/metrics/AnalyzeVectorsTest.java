package org.anisoscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.anisoscope.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyzeVectorsTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return AnalyzeVectors.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void runDirectoryGivesATableAndLongCsvWithDotDecimals() throws IOException {
    Path run = dir.resolve("run");
    int n = 64;
    int d = 8;
    Npy.writeFloat32(run.resolve("probes/step-0000000/hook_embed.npy"), TestVectors.gaussian(n, d, 1), n, d);
    Npy.writeFloat32(run.resolve("probes/step-0000100/blocks.0.hook_resid_post.npy"),
        TestVectors.gaussian(n, d, 2), n, d);
    Files.writeString(run.resolve("probes/README.npy.txt"), "not a probe file");
    Path csv = dir.resolve("out/metrics.csv");
    assertEquals(0, run("--seq-len", "16", "--out", csv.toString(), run.toString()), stderr());
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(table.contains("hook_embed") && table.contains("blocks.0.hook_resid_post"), table);
    assertTrue(table.lines().findFirst().orElse("").contains("cos_mean_intra"), table);
    assertTrue(!table.matches("(?s).*\\d,\\d.*"), "no decimal commas under the German default locale:\n" + table);
    List<String> lines = Files.readAllLines(csv);
    assertEquals("source,step,hook,metric,value", lines.get(0));
    assertEquals(1 + 2 * Metrics.ALL.size(), lines.size());
    assertTrue(lines.get(1).startsWith(run + ",0,hook_embed,cos_mean,"), lines.get(1));
    assertTrue(lines.get(1 + Metrics.ALL.size()).startsWith(run + ",100,blocks.0.hook_resid_post,"));
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      assertEquals(5, cells.length, line);
      Double.parseDouble(cells[4]);
    }
  }

  /** Rows e0, e0, e1, e1: two of the six pairs have cosine 1 (cos_mean 1/3); in pairs of two, intra = 1. */
  @Test
  void seqLenGroupsConsecutiveRows() throws IOException {
    Path f = dir.resolve("v.npy");
    Npy.writeFloat32(f, new float[] {1, 0, 1, 0, 0, 1, 0, 1}, 4, 2);
    Path csv = dir.resolve("m.csv");
    assertEquals(0, run("--seq-len", "2", "--metrics", "cos_mean,cos_mean_intra", "--out", csv.toString(),
        f.toString()), stderr());
    List<String> lines = Files.readAllLines(csv);
    assertEquals(3, lines.size());
    assertEquals(1.0 / 3, Double.parseDouble(lines.get(1).split(",")[4]), 1e-12);
    assertEquals(1.0, Double.parseDouble(lines.get(2).split(",")[4]), 1e-12);
    assertTrue(lines.get(1).startsWith(f + ",,v,cos_mean,"), lines.get(1));
  }

  @Test
  void missingPathExitsTwoWithOneLine() {
    assertBadInput(2, dir.resolve("nope").toString(), "no such file", dir.resolve("nope").toString());
  }

  @Test
  void directoryWithoutProbesExitsTwo() {
    assertBadInput(2, dir.toString(), "probes/step-", dir.toString());
  }

  @Test
  void notAMatrixExitsTwo() throws IOException {
    Path f = dir.resolve("cube.npy");
    Npy.writeFloat32(f, new float[8], 2, 2, 2);
    assertBadInput(2, f.toString(), "expected a 2-D array", f.toString());
  }

  @Test
  void corruptFileExitsTwo() throws IOException {
    Path f = dir.resolve("bad.npy");
    Files.writeString(f, "hello");
    assertBadInput(2, f.toString(), "not a .npy file", f.toString());
  }

  @Test
  void unknownMetricAndBadOptionsExitTwo() throws IOException {
    Path f = dir.resolve("v.npy");
    Npy.writeFloat32(f, new float[] {1, 0, 0, 1}, 2, 2);
    assertEquals(2, run("--metrics", "cos_maen", f.toString()));
    assertTrue(stderr().contains("cos_maen") && stderr().contains("known"), stderr());
    assertEquals(2, run("--seq-len", "zero", f.toString()));
    assertEquals(2, run());
  }

  @Test
  void formatNeverUsesTheDefaultLocale() {
    assertEquals("0.5000", AnalyzeVectors.format(0.5));
    assertEquals("1.234e-05", AnalyzeVectors.format(1.234e-5));
    assertEquals("NaN", AnalyzeVectors.format(Double.NaN));
    assertEquals("\"a,b\"", org.anisoscope.files.Csv.cell("a,b"));
  }

  private void assertBadInput(int code, String arg, String what, String path) {
    assertEquals(code, run(arg));
    String e = stderr();
    assertEquals(1, e.lines().count(), e);
    assertTrue(e.contains(what) && e.contains(path), e);
  }
}
