package org.anisoscope.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code experiments/paper.sh --quick} end to end, on a further-reduced matrix (a tiny char-lm and a byte-lm, one
 * seed, a few steps, plus an entry whose config does not exist): trains, writes the claims files, reuses finished
 * runs on a second call and resumes a half-done one on a third. The scripts get this build's classpath through
 * ANISOSCOPE_CP, so they do not rebuild the project.
 */
@Tag("slow")
class PaperScriptTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir
  Path tmp;

  private record Result(int code, String output) {}

  private Result paper(Path matrix, Path out) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("experiments/paper.sh").toString(), "--quick",
        "--matrix", matrix.toString(), "-o", out.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
    pb.environment().put("ANISOSCOPE_CP", System.getProperty("java.class.path"));
    pb.environment().put("ANISOSCOPE_JAVA_OPTS", "-Xmx1g");
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "paper.sh did not finish");
    return new Result(p.exitValue(), text);
  }

  @Test
  void quickRunsTheMatrixWritesTheTableThenReusesAndResumes() throws Exception {
    Path matrix = tmp.resolve("matrix.conf");
    String tiny = "[\"anisoscope.model.layers=2\", \"anisoscope.model.context=32\", \"anisoscope.model.d-model=32\","
        + " \"anisoscope.model.heads=1\", \"anisoscope.train.epochs=2\", \"anisoscope.train.steps-per-epoch=3\","
        + " \"anisoscope.train.batch-size=4\", \"anisoscope.train.eval-batches=2\","
        + " \"anisoscope.train.warmup-steps=2\","
        + " \"anisoscope.train.sample-tokens=0\", \"anisoscope.probe.sequences=4\", \"anisoscope.probe.bootstrap=20\"]";
    Files.writeString(matrix, "paper.matrix {\n full { seeds = [1, 2], overrides = [] }\n quick { seeds = [3], "
        + "overrides = " + tiny + " }\n runs = [\n"
        + "  { id = char-lm, config = configs/char-lm.conf }\n"
        + "  { id = byte-lm, config = configs/byte-lm.conf }\n"
        + "  { id = char-lm-mixer, config = configs/no-such-config.conf }\n ]\n}\n");
    Path out = tmp.resolve("paper");

    Result first = paper(matrix, out);
    assertEquals(0, first.code, first.output);
    assertTrue(first.output.contains("== char-lm-s3: starting: experiments/run.sh configs/char-lm.conf"), first.output);
    assertTrue(first.output.contains("== char-lm-mixer-s3: not available (config configs/no-such-config.conf missing)"),
        first.output);
    for (String f : List.of("claims.md", "claims.csv", "runs.csv", "index.html", "char-lm-s3/probes.csv",
        "byte-lm-s3/probes.csv", "logs/char-lm-s3.log")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f + "\n" + first.output);
    }
    String csv = Files.readString(out.resolve("claims.csv"));
    assertTrue(csv.startsWith("claim,statement,verdict,reason,rule,runs,values\n"), csv);
    // C2 reads the two runs that exist; C7 names its missing control
    assertTrue(csv.lines().anyMatch(l -> l.startsWith("C2,") && l.contains("char-lm-s3 byte-lm-s3")), csv);
    assertTrue(csv.lines().anyMatch(l -> l.startsWith("C7,") && l.contains(",inconclusive,")
        && l.contains("char-lm-mixer s3 (not available (config configs/no-such-config.conf missing))")), csv);

    // joining: every run finished, nothing starts again
    Result second = paper(matrix, out);
    assertEquals(0, second.code, second.output);
    assertTrue(second.output.contains("== char-lm-s3: reused"), second.output);
    assertFalse(second.output.contains("starting"), second.output);

    // a half run (killed after its last checkpoint, before it recorded "finished") resumes
    Path prov = out.resolve("byte-lm-s3/provenance.json");
    Files.writeString(prov, Files.readString(prov).replace("\"status\": \"finished\"", "\"status\": null"));
    Result third = paper(matrix, out);
    assertEquals(0, third.code, third.output);
    assertTrue(third.output.contains("== byte-lm-s3: resuming: experiments/run.sh --resume"), third.output);
    assertTrue(Files.isRegularFile(out.resolve("byte-lm-s3/provenance-resume-1.json")), third.output);
    assertTrue(third.output.contains("== char-lm-s3: reused"), third.output);
  }
}
