package org.anisoscope.reports.claims;

import org.anisoscope.reports.CsvTable;
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

/**
 * The command line without training: --list, --no-run on hand-made finished run directories, and bad input.
 * (The slow PaperScriptTest in the experiments module runs paper.sh with real training.)
 */
class PaperMainTest {
  @TempDir
  Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return PaperMain.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
  }

  private Path repo() throws Exception {
    Path root = tmp.resolve("repo");
    Files.createDirectories(root.resolve("configs"));
    for (String c : List.of("char-lm", "byte-lm")) {
      Files.writeString(root.resolve("configs/" + c + ".conf"), "");
    }
    Files.writeString(root.resolve("matrix.conf"), """
        paper.matrix {
          full { seeds = [1, 2], overrides = [] }
          quick { seeds = [1], overrides = ["anisoscope.train.epochs=1"] }
          runs = [
            { id = char-lm, config = configs/char-lm.conf }
            { id = byte-lm, config = configs/byte-lm.conf }
            { id = word-lm, config = configs/word-lm.conf }
          ]
        }
        """);
    return root;
  }

  /** A finished run directory as run.sh leaves it, made by exactly {@code run}'s command. */
  private static void finished(PlannedRun run, double top) throws Exception {
    Files.createDirectories(run.dir());
    Files.writeString(run.dir().resolve("config.conf"), "");
    Files.writeString(run.dir().resolve("provenance.json"), "{\"command_line\": " + new com.google.gson.Gson()
        .toJson(run.command().subList(1, run.command().size())) + ", \"start_time\": \"2026-01-01T00:00:00Z\", "
        + "\"end_time\": \"2026-01-01T00:01:00Z\", \"status\": \"finished\"}");
    Files.writeString(run.dir().resolve("probes.csv"), ProbeTable.run(top).text());
    Files.writeString(run.dir().resolve("eval.csv"), "step,epoch,split,loss\n0,0,val,4.9\n100,1,val,2.0\n");
  }

  private String[] args(Path root, Path outDir, String... more) {
    List<String> a = new java.util.ArrayList<>(List.of("--root", root.toString(), "--matrix",
        root.resolve("matrix.conf").toString(), "--rules", RulesFixture.RULES.toString(), "-o", outDir.toString()));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  @Test
  void listPrintsOneCommandPerRunStillToDoAndNamesTheMissingConfigs() throws Exception {
    Path root = repo();
    Path o = tmp.resolve("out");
    List<PlannedRun> plan = Matrix.load(root.resolve("matrix.conf")).plan(root, o, false);
    finished(plan.get(0), 0.8); // char-lm-s1 done
    assertEquals(0, run(args(root, o, "--list")), err.toString());
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("# char-lm-s1 (C2,C5,C7,C8,C9): finished"), text);
    assertTrue(text.contains("experiments/run.sh configs/char-lm.conf anisoscope.run.dir=" + o.toAbsolutePath()
        + " anisoscope.run.name=char-lm-s2 anisoscope.run.seed=2   # C2,C5,C7,C8,C9"), text);
    assertTrue(text.contains("# word-lm-s1 (C1,C5): not available (config configs/word-lm.conf missing)"), text);
    assertEquals(3, text.lines().filter(l -> l.startsWith("experiments/run.sh")).count(), text);
    assertFalse(Files.exists(o.resolve("claims.md")), "--list writes nothing");
  }

  @Test
  void noRunJudgesWhatTheFolderHoldsAndWritesTheTable() throws Exception {
    Path root = repo();
    Path o = tmp.resolve("out");
    List<PlannedRun> plan = Matrix.load(root.resolve("matrix.conf")).plan(root, o, false);
    for (int i = 0; i < 4; i++) {
      finished(plan.get(i), 0.8 - 0.05 * i);
    }
    assertEquals(0, run(args(root, o, "--no-run")), err.toString());
    CsvTable claims = CsvTable.read(o.resolve("claims.csv"));
    assertEquals("C2", claims.string(1, "claim"));
    assertEquals("holds", claims.string(1, "verdict"));
    assertEquals("char-lm-s1 char-lm-s2 byte-lm-s1 byte-lm-s2", claims.string(1, "runs"));
    assertEquals("inconclusive", claims.string(0, "verdict"));
    assertTrue(claims.string(0, "reason").contains("word-lm s1 (not available (config configs/word-lm.conf missing))"),
        claims.string(0, "reason"));
    CsvTable runs = CsvTable.read(o.resolve("runs.csv"));
    assertEquals(6, runs.rowCount());
    assertEquals("2.000", runs.string(0, "final_val_loss"));
    assertEquals("60", runs.string(0, "run_seconds"));
    String md = Files.readString(o.resolve("claims.md"));
    assertTrue(md.contains("| C2 | character- and byte-level LMs become anisotropic | **holds** |"), md);
    assertTrue(md.contains("- wall time (this paper.sh): "), md);
    String html = Files.readString(o.resolve("index.html"));
    assertTrue(html.contains("C2: holds") && html.contains("data:image/png;base64,"), "html has the charts");
    assertTrue(Files.exists(o.resolve("compare/C2/index.html")));
  }

  @Test
  void aRunMadeByAnotherCommandIsRefusedBeforeAnythingIsWritten() throws Exception {
    Path root = repo();
    Path o = tmp.resolve("out");
    PlannedRun quick = Matrix.load(root.resolve("matrix.conf")).plan(root, o, true).get(0);
    finished(quick, 0.8); // a --quick run in the folder full mode uses
    assertEquals(2, run(args(root, o, "--no-run")));
    assertTrue(err.toString().contains("char-lm-s1 was made by another command"), err.toString());
    assertFalse(Files.exists(o.resolve("claims.md")));
  }

  @Test
  void anOutputFolderThatCannotBeMadeExitsWithFour() throws Exception {
    Path root = repo();
    Path file = tmp.resolve("a-file");
    Files.writeString(file, "not a folder");
    assertEquals(4, run(args(root, file.resolve("out"), "--no-run")));
    assertTrue(err.toString().contains("cannot write " + file.resolve("out").toAbsolutePath()), err.toString());
  }

  @Test
  void helpPrintsTheUsage() {
    assertEquals(0, run("--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith(PaperMain.USAGE), out.toString());
  }

  @Test
  void badArgumentsAndFilesExitWithTwo() throws Exception {
    Path root = repo();
    assertEquals(2, run("--bogus"));
    assertTrue(err.toString().contains("unknown argument '--bogus'"), err.toString());
    assertEquals(2, run(args(root, tmp.resolve("o"), "--only", "nope", "--no-run")));
    assertTrue(err.toString().contains("--only nope: no such run id"), err.toString());
    Files.writeString(root.resolve("matrix.conf"), "paper.matrix { runs = [] }");
    assertEquals(2, run(args(root, tmp.resolve("o"), "--no-run")));
    assertTrue(err.toString().contains("matrix.conf"), err.toString());
    assertFalse(Files.exists(tmp.resolve("o")));
  }
}
