package org.anisoscope.train;

import org.anisoscope.config.Settings;
import org.anisoscope.data.TokenWindows;
import org.anisoscope.objective.Objectives;
import org.anisoscope.run.RunDirectory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A tiny model trained on a synthetic token stream, for loop-level tests. */
final class TinyRun {
  static final int VOCAB = 11;

  private TinyRun() {
  }

  static List<String> overrides(String... extra) {
    List<String> o = new ArrayList<>(List.of("model.layers=2", "model.heads=2", "model.d-model=8", "model.d-ff=16",
        "model.context=8", "train.batch-size=4", "train.epochs=2", "train.steps-per-epoch=6", "train.warmup-steps=2",
        "train.eval-every=4", "train.eval-batches=2", "train.log-every=100", "train.lr=3e-3", "probe.sequences=4",
        "probe.batch-size=3", "probe.bootstrap=20"));
    o.addAll(List.of(extra));
    return o;
  }

  /** A stream with structure (a noisy counter), so the loss can fall. */
  static int[] tokens(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] t = new int[n];
    for (int i = 1; i < n; i++) {
      t[i] = r.nextInt(10) == 0 ? r.nextInt(VOCAB) : (t[i - 1] + 1) % VOCAB;
    }
    return t;
  }

  static Settings settings(String... extra) {
    return Settings.load(null, overrides(extra));
  }

  /** Trains into {@code dir} (created) and returns the trainer's printed output. */
  static String train(Settings s, Path dir, boolean resume, long stopAt) throws IOException {
    RunDirectory run = resume ? RunDirectory.open(dir) : RunDirectory.create(dir.getParent(),
        dir.getFileName().toString(), false);
    if (!resume) {
      Files.writeString(dir.resolve("config.conf"), "anisoscope {}\n");
    }
    Network model = Network.ofTokens(s.model().toConfig(VOCAB), Objectives.registry().create(s.objective()), s.run().seed());
    TokenWindows data = new TokenWindows(tokens(400, 1), tokens(120, 2), s.model().context(), s.train().batchSize(),
        s.train().evalBatches(), s.run().seed());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Trainer t = new Trainer(s, model, data, run, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    if (stopAt >= 0) {
      t.stopAt(stopAt);
    }
    t.train(resume);
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** The given column of a CSV file, one entry per data row. */
  static List<String> column(Path csv, String name) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    int idx = List.of(lines.get(0).split(",", -1)).indexOf(name);
    List<String> out = new ArrayList<>();
    for (String l : lines.subList(1, lines.size())) {
      out.add(l.split(",", -1)[idx]);
    }
    return out;
  }

  /** A CSV's data rows without the columns that measure time. */
  static List<String> timeless(Path csv) throws IOException {
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
