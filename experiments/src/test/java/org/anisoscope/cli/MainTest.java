package org.anisoscope.cli;

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

/** The entry point run.sh uses, end to end on a tiny model. */
class MainTest {
  @TempDir
  Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
        StandardCharsets.UTF_8), args);
  }

  private Path corpus() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      sb.append("the quick brown fox jumps over the lazy dog number ").append(i % 17).append(".\n");
    }
    Path f = tmp.resolve("corpus.txt");
    Files.writeString(f, sb.toString());
    return f;
  }

  private Path tinyConfig() throws Exception {
    Path f = tmp.resolve("tiny.conf");
    Files.writeString(f, String.join("\n",
        "anisoscope {",
        "  run { dir = \"" + tmp.resolve("runs") + "\", name = tiny }",
        "  model { layers = 2, heads = 2, d-model = 16, context = 16 }",
        "  data.text.path = \"" + corpus() + "\"",
        "  train { epochs = 2, steps-per-epoch = 5, batch-size = 4, eval-batches = 2, warmup-steps = 2,"
            + " sample-tokens = 20, log-every = 2 }",
        "  probe { sequences = 4, batch-size = 2, save-vectors = true }",
        "}"));
    return f;
  }

  @Test
  void trainsProbesAndWritesTheRunDirectory() throws Exception {
    assertEquals(0, run(tinyConfig().toString()), err.toString());
    Path run = tmp.resolve("runs/tiny");
    for (String f : List.of("config.conf", "provenance.json", "train.csv", "eval.csv", "probes.csv",
        "tokenizer.json", "sample.txt", "checkpoints/latest.ckpt", "report/index.html",
        "probes/step-0000000/hook_embed.npy", "probes/step-0000010/blocks.1.hook_resid_post.npy")) {
      assertTrue(Files.exists(run.resolve(f)), f);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("cos_mean by depth"), printed);
    assertTrue(printed.contains("ETA"), printed);
    assertEquals(11, Files.readAllLines(run.resolve("train.csv")).size(), "header + 10 steps");
    assertTrue(Files.readString(run.resolve("provenance.json")).contains("\"sha256\""));
    String probes = Files.readString(run.resolve("probes.csv"));
    assertTrue(probes.contains(",hook_embed,,,cos_mean_freq_q1,"), "frequency quintiles");
    assertTrue(probes.contains(",W_E,,,cos_mean,") && probes.contains(",W_U,,,partition_iw,"), "matrices");
  }

  @Test
  void savedConfigRepeatsTheRun() throws Exception {
    assertEquals(0, run(tinyConfig().toString()), err.toString());
    Path first = tmp.resolve("runs/tiny");
    assertEquals(0, run(first.resolve("config.conf").toString(), "run.name=again"), err.toString());
    assertEquals(TrainCsv.losses(first), TrainCsv.losses(tmp.resolve("runs/again")));
  }

  @Test
  void existingRunDirectoryIsNeverOverwritten() throws Exception {
    Path conf = tinyConfig();
    assertEquals(0, run(conf.toString()));
    byte[] before = Files.readAllBytes(tmp.resolve("runs/tiny/train.csv"));
    assertEquals(Main.BAD_INPUT, run(conf.toString()));
    assertTrue(err.toString().contains("already exists"), err.toString());
    assertEquals(new String(before), Files.readString(tmp.resolve("runs/tiny/train.csv")));
  }

  @Test
  void badConfigFailsBeforeWritingAnything() throws Exception {
    assertEquals(Main.BAD_INPUT, run(tinyConfig().toString(), "train.lrr=3"));
    String e = err.toString(StandardCharsets.UTF_8).trim();
    assertFalse(e.contains("\n"), e);
    assertTrue(e.contains("did you mean anisoscope.train.lr?"), e);
    assertFalse(Files.exists(tmp.resolve("runs")));
  }

  @Test
  void nonUtf8CorpusIsOneLineError() throws Exception {
    Path bad = tmp.resolve("latin1.txt");
    Files.write(bad, new byte[] {'a', 'b', (byte) 0xE9, 'c'});
    assertEquals(Main.BAD_INPUT, run(tinyConfig().toString(), "data.text.path=" + bad));
    String e = err.toString(StandardCharsets.UTF_8).trim();
    assertTrue(e.contains("latin1.txt") && e.contains("UTF-8") && !e.contains("\n"), e);
    assertFalse(Files.exists(tmp.resolve("runs/tiny")));
  }

  @Test
  void maskedLmTrainsAnEncoderAndLogsMaskedAccuracy() throws Exception {
    assertEquals(0, run(tinyConfig().toString(), "objective.type=masked-lm", "model.causal=false",
        "train.sample-tokens=0"), err.toString());
    List<String> header = List.of(Files.readAllLines(tmp.resolve("runs/tiny/train.csv")).get(0).split(","));
    assertTrue(header.contains("masked_acc"), header.toString());
    assertTrue(Files.readAllLines(tmp.resolve("runs/tiny/eval.csv")).get(0).contains("masked_acc"));
  }

  @Test
  void contrastiveTrainsOnTwoDropoutViews() throws Exception {
    assertEquals(0, run(tinyConfig().toString(), "objective.type=contrastive", "model.causal=false",
        "model.dropout=0.1", "train.sample-tokens=0"), err.toString());
    assertTrue(Files.readAllLines(tmp.resolve("runs/tiny/train.csv")).get(0).contains("retrieval_acc"));
  }

  @Test
  void objectiveAndAttentionMaskMustAgree() throws Exception {
    assertEquals(Main.BAD_INPUT, run(tinyConfig().toString(), "objective.type=masked-lm"));
    assertTrue(err.toString().contains("anisoscope.model.causal"), err.toString());
  }

  @Test
  void helpDescribesUsage() {
    assertEquals(0, run("--help"));
    assertTrue(out.toString().contains("--resume"));
  }

  @Test
  void resumeContinuesAFinishedRunWithoutDuplicatingRows() throws Exception {
    assertEquals(0, run(tinyConfig().toString()));
    Path r = tmp.resolve("runs/tiny");
    List<String> before = TrainCsv.losses(r);
    assertEquals(0, run("--resume", r.toString()), err.toString());
    assertEquals(before, TrainCsv.losses(r));
  }

  /** Reads the loss column of a run's train.csv. */
  static final class TrainCsv {
    static List<String> losses(Path run) throws Exception {
      return Files.readAllLines(run.resolve("train.csv")).stream().skip(1).map(l -> l.split(",")[2]).toList();
    }
  }
}
