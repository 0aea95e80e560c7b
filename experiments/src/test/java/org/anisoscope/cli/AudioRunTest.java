package org.anisoscope.cli;

import org.anisoscope.reports.CsvTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audio modality through the command line on the two committed recordings (each copied under two names and
 * two speaker folders, so the utterance split holds one of each speaker out): each objective runs end to end
 * into the usual run directory, with crops longer than the shorter recording (so training batches are padded);
 * bad audio data fails in one line naming the file, exit 2, with nothing written.
 */
class AudioRunTest {
  private static final Path SAMPLES = Path.of("../modalities/src/test/resources/audio");

  @TempDir
  Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out.reset();
    err.reset();
    return Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
        StandardCharsets.UTF_8), args);
  }

  /** ru/ (6.1 s, 305 frames) and en/ (3.0 s, 148 frames), two copies each: a folder without manifest. */
  private Path data() throws Exception {
    Path d = tmp.resolve("speech");
    Files.createDirectories(d.resolve("ru"));
    Files.createDirectories(d.resolve("en"));
    for (String n : new String[] {"a", "b"}) {
      Files.copy(SAMPLES.resolve("ru_0003.wav"), d.resolve("ru/" + n + ".wav"));
      Files.copy(SAMPLES.resolve("sense_and_sensibility_01_austen_64kb-0880.wav"), d.resolve("en/" + n + ".wav"));
    }
    return d;
  }

  private Path config(Path data, String objective, String features, String name) throws Exception {
    Path f = tmp.resolve(name + ".conf");
    Files.writeString(f, String.join("\n",
        "anisoscope {",
        "  run { dir = \"" + tmp.resolve("runs") + "\", name = " + name + " }",
        "  model { layers = 1, heads = 2, d-model = 8, context = 140, causal = false }",
        "  objective.type = " + objective,
        "  data { modality = audio, audio { path = \"" + data + "\", features = " + features
            + ", val-fraction = 0.5, clusters = 5, kmeans-frames = 300, distractors = 3 } }",
        "  train { epochs = 1, steps-per-epoch = 2, batch-size = 4, eval-batches = 1, warmup-steps = 1,"
            + " sample-tokens = 0, log-every = 100 }",
        "  probe { sequences = 2, batch-size = 2, bootstrap = 10,"
            + " metrics = [cos_mean, cos_mean_intra, cos_mean_inter] }",
        "}"));
    return f;
  }

  @Test
  void everyAudioObjectiveRunsIntoTheUsualRunDirectory() throws Exception {
    Path data = data();
    String[][] cases = {{"wav2vec-contrastive", "frames"}, {"masked-regression", "log-mel"},
        {"masked-cluster", "log-mel"}};
    for (String[] c : cases) {
      int code = run(config(data, c[0], c[1], c[0]).toString());
      String log = out.toString(StandardCharsets.UTF_8);
      assertEquals(0, code, c[0] + ": " + err.toString(StandardCharsets.UTF_8) + log);
      assertTrue(log.contains("2 train / 2 val utterances"), log);
      Path run = tmp.resolve("runs").resolve(c[0]);
      CsvTable probes = CsvTable.read(run.resolve("probes.csv"));
      int intra = 0;
      int inter = 0;
      for (int r = 0; r < probes.rowCount(); r++) {
        String m = probes.string(r, "metric");
        intra += m.equals("cos_mean_intra") ? 1 : 0;
        inter += m.equals("cos_mean_inter") ? 1 : 0;
      }
      assertTrue(intra > 0 && inter > 0, c[0] + ": no cos_mean_intra / cos_mean_inter rows");
      CsvTable train = CsvTable.read(run.resolve("train.csv"));
      assertEquals(2, train.rowCount());
      assertTrue(Double.isFinite(Double.parseDouble(train.string(1, "loss"))), c[0]);
      assertEquals(c[0].equals("masked-cluster"), Files.exists(run.resolve("kmeans.npy")), c[0]);
    }
  }

  /** An even (uncentred) or negative position-convolution kernel: one line naming the key, exit 2, nothing written. */
  @Test
  void aBadPositionConvolutionKernelIsBadInput() throws Exception {
    Path conf = config(data(), "masked-regression", "log-mel", "conv");
    for (String bad : new String[] {"4", "-1"}) {
      int code = run(conf.toString(), "data.audio.pos-conv-kernel=" + bad);
      String e = err.toString(StandardCharsets.UTF_8).trim();
      assertEquals(2, code, e);
      assertTrue(e.contains("data.audio.pos-conv-kernel") && !e.contains("\n"), e);
      assertFalse(Files.exists(tmp.resolve("runs").resolve("conv")));
    }
  }

  @Test
  void badAudioFailsInOneLineNamingTheFileAndWritesNothing() throws Exception {
    Path data = data();
    Path bad = data.resolve("en/b.wav");
    byte[] full = Files.readAllBytes(bad);
    Files.write(bad, Arrays.copyOf(full, 2000)); // header says 95 680 data bytes
    int code = run(config(data, "masked-regression", "log-mel", "truncated").toString());
    String e = err.toString(StandardCharsets.UTF_8).trim();
    assertEquals(2, code, e);
    assertTrue(e.contains(bad.toString()) && e.contains("truncated") && !e.contains("\n"), e);
    assertFalse(Files.exists(tmp.resolve("runs").resolve("truncated")));

    Path m = data.resolve("manifest.tsv");
    Files.writeString(m, "file\tseconds\tspeaker\ttranscript\nru/a.wav\t6.1\tr\t\nru/gone.wav\t1.0\tr\t\n");
    code = run(config(data, "masked-regression", "log-mel", "missing").toString());
    e = err.toString(StandardCharsets.UTF_8).trim();
    assertEquals(2, code, e);
    assertTrue(e.contains(m.toString()) && e.contains("line 3") && e.contains("gone.wav") && !e.contains("\n"), e);
    assertFalse(Files.exists(tmp.resolve("runs").resolve("missing")));

    code = run(config(tmp.resolve("nowhere"), "masked-regression", "log-mel", "nowhere").toString());
    e = err.toString(StandardCharsets.UTF_8).trim();
    assertEquals(2, code, e);
    assertTrue(e.contains("experiments/fetch-data.sh audio"), e);
  }
}
