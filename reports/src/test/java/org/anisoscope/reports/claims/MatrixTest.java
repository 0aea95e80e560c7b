package org.anisoscope.reports.claims;

import org.anisoscope.reports.ReportException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The matrix as data: plans, missing configs, modes, and what a run directory's provenance says. */
class MatrixTest {
  @TempDir
  Path tmp;

  private Path root() throws Exception {
    Path root = tmp.resolve("repo");
    Files.createDirectories(root.resolve("configs"));
    Files.createDirectories(root.resolve("experiments"));
    Files.writeString(root.resolve("configs/a.conf"), "");
    Files.writeString(root.resolve("experiments/sweep.sh"), "");
    Files.writeString(root.resolve("matrix.conf"), """
        paper.matrix {
          full { seeds = [1, 2], overrides = ["anisoscope.train.epochs=3"] }
          quick { seeds = [7], overrides = ["anisoscope.train.epochs=1"] }
          runs = [
            { id = a, config = configs/a.conf, overrides = ["x=1"], quick = ["q=1"], full = ["f=1"] }
            { id = b, config = configs/b.conf }
            { id = s, script = experiments/sweep.sh, seeds = [], quick-flag = "--quick" }
          ]
        }
        """);
    return root;
  }

  @Test
  void theFullPlanHasEverySeedAndTheExactCommands() throws Exception {
    Path root = root();
    Path out = tmp.resolve("out");
    List<PlannedRun> plan = Matrix.load(root.resolve("matrix.conf")).plan(root, out, false);
    assertEquals(List.of("a-s1", "a-s2", "b-s1", "b-s2", "s"), plan.stream().map(PlannedRun::name).toList());
    assertEquals(List.of("experiments/run.sh", "configs/a.conf", "anisoscope.train.epochs=3", "x=1", "f=1",
        "anisoscope.run.dir=" + out.toAbsolutePath().normalize(), "anisoscope.run.name=a-s2", "anisoscope.run.seed=2"),
        plan.get(1).command());
    assertEquals(Optional.of("not available (config configs/b.conf missing)"), plan.get(2).unavailable());
    assertEquals(List.of("experiments/sweep.sh", "anisoscope.run.dir=" + out.toAbsolutePath().normalize(),
        "anisoscope.run.name=s"), plan.get(4).command());
  }

  @Test
  void quickModeTakesItsSeedsOverridesAndFlag() throws Exception {
    Path root = root();
    List<PlannedRun> plan = Matrix.load(root.resolve("matrix.conf")).only(List.of("a", "s"))
        .plan(root, tmp.resolve("out"), true);
    assertEquals(List.of("a-s7", "s"), plan.stream().map(PlannedRun::name).toList());
    assertTrue(plan.get(0).command().containsAll(List.of("anisoscope.train.epochs=1", "q=1", "anisoscope.run.seed=7")));
    assertEquals("--quick", plan.get(1).command().get(1));
    ReportException e = assertThrows(ReportException.class,
        () -> Matrix.load(root.resolve("matrix.conf")).only(List.of("zz")));
    assertTrue(e.getMessage().contains("--only zz: no such run id (expected one of a, b, s)"), e.getMessage());
  }

  @Test
  void theRepositoryMatrixHasTwoSeedsFullOneQuickAndEveryRunOfTheIssue() {
    Matrix m = Matrix.load(RulesFixture.MATRIX);
    assertTrue(m.full().seeds().size() >= 2, m.full().toString());
    assertEquals(1, m.quick().seeds().size());
    List<String> ids = m.entries().stream().map(Matrix.Entry::id).toList();
    assertTrue(ids.containsAll(List.of("word-lm", "bpe-lm", "char-lm", "byte-lm", "char-mlm", "contrastive-text",
        "audio-contrastive", "audio-masked-regression", "audio-masked-cluster", "image-classify", "image-mae",
        "image-contrastive", "char-lm-mixer", "char-mlm-mixer", "char-lm-qknorm", "char-lstm", "image-cnn",
        "untrained-block")), ids.toString());
  }

  @Test
  void runStateFollowsTheProvenanceFiles() throws Exception {
    Path root = root();
    Path out = tmp.resolve("out");
    PlannedRun a = Matrix.load(root.resolve("matrix.conf")).plan(root, out, false).get(0);
    assertEquals(RunState.Kind.NEW, RunState.of(a).kind());
    Files.createDirectories(a.dir());
    assertEquals(RunState.Kind.BROKEN, RunState.of(a).kind()); // killed before it wrote anything
    List<String> args = a.command().subList(1, a.command().size());
    String cmd = new com.google.gson.Gson().toJson(args);
    Files.writeString(a.dir().resolve("config.conf"), "");
    Files.writeString(a.dir().resolve("provenance.json"), "{\"command_line\": " + cmd
        + ", \"start_time\": \"2026-01-01T00:00:00Z\", \"end_time\": null}");
    assertEquals(RunState.Kind.HALF, RunState.of(a).kind());
    assertEquals(List.of("experiments/run.sh", "--resume", a.dir().toString()),
        PaperMain.nextCommand(a, RunState.of(a)));
    Files.writeString(a.dir().resolve("provenance-resume-1.json"), "{\"command_line\": [\"--resume\", \"x\"], "
        + "\"start_time\": \"2026-01-01T00:01:00Z\", \"end_time\": \"2026-01-01T00:03:30Z\", "
        + "\"status\": \"finished\"}");
    RunState done = RunState.of(a);
    assertEquals(RunState.Kind.FINISHED, done.kind());
    assertEquals(150, done.runSeconds(), 1e-9);
    assertEquals(null, PaperMain.nextCommand(a, done));

    PlannedRun b = Matrix.load(root.resolve("matrix.conf")).plan(root, out, false).get(1);
    Files.createDirectories(b.dir());
    Files.writeString(b.dir().resolve("provenance.json"), "{\"command_line\": [\"configs/a.conf\", \"other=1\"]}");
    assertEquals(RunState.Kind.CONFLICT, RunState.of(b).kind());
    Files.writeString(b.dir().resolve("provenance.json"), "{\"command_line\": " + new com.google.gson.Gson().toJson(
        b.command().subList(1, b.command().size())) + ", \"status\": \"failed: diverged\"}");
    assertEquals(RunState.Kind.FAILED, RunState.of(b).kind());
  }
}
