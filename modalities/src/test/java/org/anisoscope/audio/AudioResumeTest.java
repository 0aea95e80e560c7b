package org.anisoscope.audio;

import org.anisoscope.config.Settings;
import org.anisoscope.run.RunDirectory;
import org.anisoscope.train.Network;
import org.anisoscope.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An audio run stopped after a step past its last checkpoint (as if killed there: {@link Trainer#stopAt}) and
 * resumed from that checkpoint, with its data, split, k-means and model rebuilt from the settings as
 * {@code --resume} does, writes the same train/eval/probe rows and the same final checkpoint as the
 * uninterrupted run (timing columns aside). Tiny model, dropout on, on the committed recordings only: the
 * contrastive objective (distractor draws) and masked-cluster (the k-means labels), both through the position
 * convolution.
 */
class AudioResumeTest {
  private static final Path SAMPLES = Path.of("src/test/resources/audio");

  @TempDir
  Path tmp;

  /** ru/ (6.1 s) and en/ (3.0 s), two copies each: the utterance split holds one of each out. */
  private Path data() throws IOException {
    Path d = tmp.resolve("speech");
    Files.createDirectories(d.resolve("ru"));
    Files.createDirectories(d.resolve("en"));
    for (String n : new String[] {"a", "b"}) {
      Files.copy(SAMPLES.resolve("ru_0003.wav"), d.resolve("ru/" + n + ".wav"));
      Files.copy(SAMPLES.resolve("sense_and_sensibility_01_austen_64kb-0880.wav"), d.resolve("en/" + n + ".wav"));
    }
    return d;
  }

  private static Settings settings(Path data, String objective) {
    return Settings.load(null, List.of("data.modality=audio", "data.audio.path=" + data,
        "data.audio.val-fraction=0.5", "data.audio.clusters=5", "data.audio.kmeans-frames=300",
        "data.audio.distractors=3", "data.audio.pos-conv-kernel=3", "objective.type=" + objective,
        "model.causal=false", "model.layers=1", "model.heads=2", "model.d-model=8", "model.d-ff=16",
        "model.context=140", "model.dropout=0.1", "train.epochs=2", "train.steps-per-epoch=3",
        "train.batch-size=2", "train.eval-every=2", "train.eval-batches=1", "train.warmup-steps=1",
        "train.checkpoint-every=2", "train.log-every=100", "train.sample-tokens=0", "probe.sequences=2",
        "probe.batch-size=2", "probe.bootstrap=10", "probe.every-steps=2",
        "probe.metrics=[cos_mean, cos_mean_intra, cos_mean_inter]"));
  }

  /** Trains into {@code dir} from freshly loaded data and a fresh model, as the command line does. */
  private static void train(Settings s, Path dir, boolean resume, long stopAt) throws IOException {
    RunDirectory run = resume ? RunDirectory.open(dir)
        : RunDirectory.create(dir.getParent(), dir.getFileName().toString(), false);
    if (!resume) {
      Files.writeString(dir.resolve("config.conf"), "anisoscope {}\n"); // what the command line writes first
    }
    AudioData data = AudioData.load(s);
    Network net = data.network(s);
    Trainer t = new Trainer(s, net, data.batches(s), run,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    if (stopAt >= 0) {
      t.stopAt(stopAt);
    }
    t.train(resume);
  }

  @Test
  void resumedAudioRunsEqualTheUninterruptedRuns() throws Exception {
    Path data = data();
    for (String objective : List.of("wav2vec-contrastive", "masked-cluster")) {
      Settings s = settings(data, objective);
      Path full = tmp.resolve(objective + "-full");
      Path cut = tmp.resolve(objective + "-cut");
      train(s, full, false, -1);
      // stop after step 5: the last checkpoint is step 4, so step 5's rows are dropped and redone on resume
      train(s, cut, false, 5);
      assertEquals(5, timeless(cut.resolve("train.csv")).size(), objective);
      train(s, cut, true, -1);
      for (String f : List.of("train.csv", "eval.csv", "probes.csv")) {
        assertEquals(timeless(full.resolve(f)), timeless(cut.resolve(f)), objective + ": " + f);
      }
      assertEquals(6, timeless(full.resolve("train.csv")).size(), objective);
      assertArrayEquals(Files.readAllBytes(full.resolve("checkpoints/latest.ckpt")),
          Files.readAllBytes(cut.resolve("checkpoints/latest.ckpt")), objective + ": latest.ckpt");
    }
  }

  /** A CSV's data rows without the columns that measure time. */
  private static List<String> timeless(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    List<String> header = List.of(lines.get(0).split(",", -1));
    List<String> out = new ArrayList<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] cells = l.split(",", -1);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < cells.length; i++) {
        if (!header.get(i).equals("tokens_per_s") && !header.get(i).equals("elapsed_s")) {
          sb.append(cells[i]).append(',');
        }
      }
      out.add(sb.toString());
    }
    return out;
  }
}
