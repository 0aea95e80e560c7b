package org.anisoscope.cli;

import org.anisoscope.reports.CsvTable;
import org.anisoscope.run.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DL4J LSTM control ({@code control.type = lstm}) end to end on the committed Moby-Dick chapter: the usual run
 * files, probe rows in the contract's columns for every LSTM layer (and none for the output layer), losses per
 * predicted token (≈ ln vocab at step 0), a validation loss that falls; bad keys fail in one line, nothing written.
 */
class LstmRunTest {
  private static final Path CORPUS = Path.of("../modalities/src/test/resources/text/moby-dick-chapter_1.txt");

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

  private Path config() throws Exception {
    Path f = tmp.resolve("lstm.conf");
    Files.writeString(f, String.join("\n",
        "anisoscope {",
        "  run { dir = \"" + tmp.resolve("runs") + "\", name = lstm }",
        "  model { context = 16 }",
        "  control { type = lstm, lstm.hidden = [24, 16] }",
        "  data.text { path = \"" + CORPUS.toAbsolutePath() + "\", tokenizer = char, val-fraction = 0.1 }",
        "  train { epochs = 2, steps-per-epoch = 40, batch-size = 16, eval-batches = 4, warmup-steps = 5, lr = 1e-2,"
            + " min-lr = 1e-3, weight-decay = 0.0, eval-every = 0, sample-tokens = 0, log-every = 100 }",
        "  probe { sequences = 8, batch-size = 8, bootstrap = 10 }",
        "}"));
    return f;
  }

  @Test
  void theLstmControlTrainsAndIsProbedAtEveryLstmLayer() throws Exception {
    Path conf = config();
    int code = run(conf.toString());
    String log = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8) + log);
    Path run = tmp.resolve("runs").resolve("lstm");

    CsvTable probes = CsvTable.read(run.resolve("probes.csv"));
    assertEquals(RunDirectory.PROBE_COLUMNS, java.util.List.of(Files.readAllLines(run.resolve("probes.csv"))
        .get(0).split(",")));
    Set<String> hooks = new TreeSet<>();
    Set<Long> steps = new TreeSet<>();
    int intra = 0;
    for (int r = 0; r < probes.rowCount(); r++) {
      hooks.add(probes.string(r, "hook"));
      steps.add(probes.integer(r, "step"));
      assertTrue(Double.isFinite(probes.number(r, "value")), "row " + r);
      if (probes.string(r, "metric").equals("cos_mean_intra")) {
        intra++;          // one vector per time step: within-sequence cosines exist for both LSTM layers
      }
    }
    // LSTM, LSTM; not the RnnOutputLayer
    assertEquals(Set.of("blocks.0.hook_resid_post", "blocks.1.hook_resid_post"), hooks);
    assertEquals(Set.of(0L, 40L, 80L), steps);
    assertEquals(2 * 3, intra, "cos_mean_intra per LSTM layer and probe step");

    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"vocab_size\"\\s*:\\s*(\\d+)")
        .matcher(Files.readString(run.resolve("provenance.json")));
    assertTrue(m.find(), "vocab_size in provenance.json");
    int vocab = Integer.parseInt(m.group(1));
    CsvTable eval = CsvTable.read(run.resolve("eval.csv"));
    assertEquals(3, eval.rowCount());
    double val0 = eval.number(0, "loss");
    double valEnd = eval.number(2, "loss");
    // per predicted token, so an untrained softmax over the vocabulary sits near ln vocab (not T times it)
    assertEquals(Math.log(vocab), val0, 0.3, "initial validation cross-entropy");
    assertTrue(valEnd < val0 - 0.8, "validation loss " + val0 + " → " + valEnd);
    double acc = eval.number(2, "acc");
    assertTrue(acc > 0.1 && acc <= 1, "next-character accuracy " + acc);
    CsvTable train = CsvTable.read(run.resolve("train.csv"));
    assertEquals(80, train.rowCount());
    assertEquals(Math.log(vocab), train.number(0, "loss"), 0.3, "first training loss per token");
    assertTrue(Files.exists(run.resolve("tokenizer.json")) && Files.exists(run.resolve("report/index.html")));
    assertTrue(Files.readString(run.resolve("provenance.json")).contains("dl4j-lstm"));
  }

  @Test
  void badLstmKeysFailInOneLineBeforeWritingAnything() throws Exception {
    Path conf = config();
    for (String[] bad : new String[][] {{"control.lstm.hidden=[0]", "control.lstm.hidden"},
        {"control.lstm.hidden=wide", "control.lstm.hidden"},
        {"objective.type=masked-lm", "objective.type"}}) {
      int code = run(conf.toString(), bad[0]);
      String e = err.toString(StandardCharsets.UTF_8).strip();
      assertEquals(Main.BAD_INPUT, code, bad[0] + ": " + e);
      assertFalse(e.contains("\n"), "more than one line: " + e);
      assertTrue(e.contains(bad[1]), e);
      assertFalse(Files.exists(tmp.resolve("runs")), "a run directory was written");
    }
  }
}
