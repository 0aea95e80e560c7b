package org.anisoscope.train;

import org.anisoscope.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training loop reproduces itself from a seed and from a resumed checkpoint; the probe never perturbs it. */
class TrainerTest {
  @TempDir
  Path tmp;

  @Test
  void sameSeedGivesTheSameLossCurveAndProbes() throws Exception {
    Settings s = TinyRun.settings();
    TinyRun.train(s, tmp.resolve("a"), false, -1);
    TinyRun.train(s, tmp.resolve("b"), false, -1);
    assertEquals(TinyRun.timeless(tmp.resolve("a/train.csv")), TinyRun.timeless(tmp.resolve("b/train.csv")));
    assertEquals(TinyRun.timeless(tmp.resolve("a/probes.csv")), TinyRun.timeless(tmp.resolve("b/probes.csv")));
    assertEquals(TinyRun.timeless(tmp.resolve("a/eval.csv")), TinyRun.timeless(tmp.resolve("b/eval.csv")));
  }

  @Test
  void anotherSeedGivesAnotherCurve() throws Exception {
    TinyRun.train(TinyRun.settings(), tmp.resolve("a"), false, -1);
    TinyRun.train(TinyRun.settings("run.seed=7"), tmp.resolve("b"), false, -1);
    assertNotEquals(TinyRun.column(tmp.resolve("a/train.csv"), "loss"),
        TinyRun.column(tmp.resolve("b/train.csv"), "loss"));
  }

  @Test
  void lossFallsOnStructuredData() throws Exception {
    TinyRun.train(TinyRun.settings("train.epochs=4"), tmp.resolve("a"), false, -1);
    List<String> val = TinyRun.column(tmp.resolve("a/eval.csv"), "loss");
    assertTrue(Double.parseDouble(val.get(val.size() - 1)) < Double.parseDouble(val.get(0)) - 0.2, val.toString());
  }

  @Test
  void probingDoesNotChangeTraining() throws Exception {
    TinyRun.train(TinyRun.settings("probe.every-steps=0"), tmp.resolve("rare"), false, -1);
    TinyRun.train(TinyRun.settings("probe.every-steps=1", "probe.save-vectors=true"), tmp.resolve("often"), false,
        -1);
    assertEquals(TinyRun.column(tmp.resolve("rare/train.csv"), "loss"),
        TinyRun.column(tmp.resolve("often/train.csv"), "loss"));
    assertTrue(TinyRun.column(tmp.resolve("often/probes.csv"), "step").contains("5"));
    assertTrue(Files.exists(tmp.resolve("often/probes/step-0000003/blocks.1.hook_resid_post.npy")));
  }

  @Test
  void dropoutRunsAreReproducibleToo() throws Exception {
    Settings s = TinyRun.settings("model.dropout=0.1");
    TinyRun.train(s, tmp.resolve("a"), false, -1);
    TinyRun.train(s, tmp.resolve("b"), false, -1);
    assertEquals(TinyRun.timeless(tmp.resolve("a/train.csv")), TinyRun.timeless(tmp.resolve("b/train.csv")));
  }

  @Test
  void resumedRunEqualsUninterruptedRun() throws Exception {
    Settings s = TinyRun.settings("train.checkpoint-every=2", "model.dropout=0.1");
    TinyRun.train(s, tmp.resolve("full"), false, -1);
    // Stop after step 5: the last checkpoint is at step 4, so step 5's rows must be dropped and redone.
    TinyRun.train(s, tmp.resolve("cut"), false, 5);
    TinyRun.train(s, tmp.resolve("cut"), true, -1);
    for (String f : List.of("train.csv", "eval.csv", "probes.csv")) {
      assertEquals(TinyRun.timeless(tmp.resolve("full").resolve(f)), TinyRun.timeless(tmp.resolve("cut").resolve(f)),
          f);
    }
  }

  /** Resuming a run that reached its last step trains nothing, leaves the logs alone and says so. */
  @Test
  void resumingAFinishedRunTrainsNothing() throws Exception {
    Settings s = TinyRun.settings("train.checkpoint-every=2");
    TinyRun.train(s, tmp.resolve("done"), false, -1);
    List<String> before = java.nio.file.Files.readAllLines(tmp.resolve("done/eval.csv"));
    String said = TinyRun.train(s, tmp.resolve("done"), true, -1);
    assertTrue(said.contains("nothing left to train"), said);
    assertEquals(before, java.nio.file.Files.readAllLines(tmp.resolve("done/eval.csv")));
    assertEquals(Double.parseDouble(before.get(before.size() - 1).split(",")[3]),
        Trainer.lastLoggedValLoss(tmp.resolve("done/eval.csv")));
  }

  @Test
  void lastLoggedValLossReadsTheLastValRow() throws Exception {
    java.nio.file.Path csv = tmp.resolve("eval.csv");
    java.nio.file.Files.writeString(csv, "step,epoch,split,loss,acc\n0,0,val,4.5,0.1\n10,1,val,3.25,0.2\n");
    assertEquals(3.25, Trainer.lastLoggedValLoss(csv));
    java.nio.file.Files.writeString(csv, "step,epoch,split,loss\n");
    assertTrue(Double.isNaN(Trainer.lastLoggedValLoss(csv)));
    assertTrue(Double.isNaN(Trainer.lastLoggedValLoss(tmp.resolve("absent.csv"))));
  }

  @Test
  void everyContractFileIsWritten() throws Exception {
    TinyRun.train(TinyRun.settings(), tmp.resolve("a"), false, -1);
    for (String f : List.of("train.csv", "eval.csv", "probes.csv", "checkpoints/latest.ckpt",
        "checkpoints/best.ckpt")) {
      assertTrue(Files.exists(tmp.resolve("a").resolve(f)), f);
    }
    List<String> header = List.of(Files.readAllLines(tmp.resolve("a/probes.csv")).get(0).split(","));
    assertEquals(List.of("step", "epoch", "hook", "layer", "head", "metric", "value"), header);
    List<String> metrics = TinyRun.column(tmp.resolve("a/probes.csv"), "metric");
    for (String m : List.of("cos_mean", "cos_mean_intra", "norm_mean_ratio", "q_mean_norm", "k_mean_norm",
        "qk_mean_cos", "attn_entropy", "cos_mean_ci_lo")) {
      assertTrue(metrics.contains(m), m);
    }
    // Probes at step 0 and at both epoch ends.
    assertEquals(List.of("0", "6", "12"),
        TinyRun.column(tmp.resolve("a/probes.csv"), "step").stream().distinct().toList());
  }
}
