package org.anisoscope.mechanism;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The untrained-block experiment on a tiny block: files, closed-form limits, bad input. */
class UntrainedBlockExperimentTest {
  private static final List<String> TINY = List.of("untrained-block.d-model=16", "untrained-block.heads=2",
      "untrained-block.d-ff=32", "untrained-block.vocab=50", "untrained-block.sequences=2",
      "untrained-block.seq-len=8", "untrained-block.seeds=3", "untrained-block.drift-points=4",
      "untrained-block.drift-min=0.1", "untrained-block.drift-max=1000");

  private static int run(Path dir, ByteArrayOutputStream err, String... extra) {
    String[] args = java.util.stream.Stream.concat(TINY.stream(),
        java.util.stream.Stream.concat(java.util.stream.Stream.of("run.dir=" + dir, "run.name=t"),
            java.util.Arrays.stream(extra))).toArray(String[]::new);
    return UntrainedBlockExperiment.run(new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
  }

  private static List<String[]> rows(Path csv) throws Exception {
    return Files.readAllLines(csv).stream().skip(1).map(l -> l.split(",")).toList();
  }

  @Test
  void writesOneRowPerDriftAndTemperatureWithProvenanceAndPlot(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(0, run(dir, err, "untrained-block.temperatures=[1.0, 2.0]"), err.toString());
    Path run = dir.resolve("t");
    for (String f : List.of("config.conf", "provenance.json", "untrained-block.csv", "untrained-block-seeds.csv",
        "untrained-block.png")) {
      assertTrue(Files.size(run.resolve(f)) > 0, f);
    }
    assertEquals(String.join(",", UntrainedBlockExperiment.COLUMNS),
        Files.readAllLines(run.resolve("untrained-block.csv")).get(0));
    List<String[]> rows = rows(run.resolve("untrained-block.csv"));
    assertEquals((4 + 1) * 2, rows.size());
    assertEquals(3 * (4 + 1) * 2, rows(run.resolve("untrained-block-seeds.csv")).size());
    assertTrue(Files.readString(run.resolve("provenance.json")).contains("\"status\": \"finished\"")
        || Files.readString(run.resolve("provenance.json")).contains("\"status\":\"finished\""));
    for (String[] r : rows) {
      assertTrue(Double.parseDouble(r[5]) <= Double.parseDouble(r[4]) && Double.parseDouble(r[4])
          <= Double.parseDouble(r[6]), "interval holds the mean: " + String.join(",", r));
    }
  }

  /**
   * Closed forms: with no drift the inputs are independent Gaussian rows (cos_mean ≈ 0); with a drift of 1000 × the
   * mean norm every input is within 1e-6 of the drift direction (cos_mean ≈ 1 − 1e-6); a temperature of 1e-12 makes
   * every logit ≈ 0, so the attention is uniform and its entropy is ln T.
   */
  @Test
  void limitsMatchTheirClosedForms(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(0, run(dir, err, "untrained-block.temperatures=[1e-12]", "untrained-block.init-std=1"),
        err.toString());
    List<String[]> rows = rows(dir.resolve("t/untrained-block.csv"));
    assertEquals(0.0, Double.parseDouble(rows.get(0)[4]), 0.05, "no drift: input cos_mean");
    assertEquals(1.0, Double.parseDouble(rows.get(rows.size() - 1)[4]), 1e-5, "large drift: input cos_mean");
    for (String[] r : rows) {
      assertEquals(Math.log(8), Double.parseDouble(r[10]), 1e-4, "uniform attention at N/‖e‖ = " + r[1]);
    }
  }

  /** With N(0, 1) weights the logits are large and attention is far from uniform: entropy below ln T. */
  @Test
  void largeInitialWeightsSharpenTheAttention(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(0, run(dir, err, "untrained-block.temperatures=[1.0]", "untrained-block.init-std=1"),
        err.toString());
    List<String[]> rows = rows(dir.resolve("t/untrained-block.csv"));
    assertTrue(Double.parseDouble(rows.get(0)[10]) < Math.log(8) - 0.1, "entropy " + rows.get(0)[10]);
  }

  @Test
  void badInputFailsWithExitCode2AndWritesNothing(@TempDir Path dir) {
    for (String bad : List.of("untrained-block.heads=3", "untrained-block.temperatures=[0]",
        "untrained-block.drift-max=0.01", "untrained-block.sequencs=3", "untrained-block.layout=sideways")) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      assertEquals(2, run(dir, err, bad), bad);
      String msg = err.toString(StandardCharsets.UTF_8);
      assertTrue(msg.startsWith("error: ") && msg.strip().lines().count() == 1, bad + ": " + msg);
      assertFalse(Files.exists(dir.resolve("t")), bad + ": nothing written");
    }
  }

  @Test
  void anExistingRunDirectoryIsNotOverwritten(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("t"));
    Files.writeString(dir.resolve("t/keep.txt"), "x");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(2, run(dir, err));
    assertTrue(err.toString().contains("already exists"), err.toString());
    assertEquals("x", Files.readString(dir.resolve("t/keep.txt")));
  }

  @Test
  void intervalUsesStudentsT() {
    double[] ci = Intervals.meanWithT95(new double[] {1, 2, 3});   // mean 2, s = 1, t_{0.975,2} = 4.303
    assertEquals(2.0, ci[0], 1e-12);
    assertEquals(2.0 - 4.303 / Math.sqrt(3), ci[1], 1e-12);
    assertEquals(2.0 + 4.303 / Math.sqrt(3), ci[2], 1e-12);
  }
}
