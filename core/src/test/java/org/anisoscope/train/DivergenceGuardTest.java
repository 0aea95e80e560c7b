package org.anisoscope.train;

import org.anisoscope.config.Settings;
import org.anisoscope.data.TokenWindows;
import org.anisoscope.model.Param;
import org.anisoscope.objective.Objectives;
import org.anisoscope.run.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ObjLongConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NaN/Inf in the loss, a gradient or a parameter stops training with a one-line {@link DivergenceException}
 * naming the step (and the tensor), and {@code checkpoints/latest.ckpt} keeps the last finite state.
 */
class DivergenceGuardTest {
  @TempDir
  Path tmp;

  /** Trains the tiny run with checkpoints every 2 steps, calling {@code hook} after each backward pass. */
  private DivergenceException diverge(ObjLongConsumer<Network> hook, String... overrides) throws Exception {
    String[] all = java.util.Arrays.copyOf(overrides, overrides.length + 1);
    all[overrides.length] = "train.checkpoint-every=2";
    Settings s = TinyRun.settings(all);
    RunDirectory run = RunDirectory.create(tmp, "run", false);
    Network model = Network.ofTokens(s.model().toConfig(TinyRun.VOCAB), Objectives.registry().create(s.objective()),
        s.run().seed());
    TokenWindows data = new TokenWindows(TinyRun.tokens(400, 1), TinyRun.tokens(120, 2), s.model().context(),
        s.train().batchSize(), s.train().evalBatches(), s.run().seed());
    Trainer t = new Trainer(s, model, data, run, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8)).afterBackward(hook);
    return assertThrows(DivergenceException.class, () -> t.train(false));
  }

  private void assertLatestIsFiniteAtStep(long step) throws Exception {
    Checkpoint c = Checkpoint.read(tmp.resolve("run/checkpoints/latest.ckpt"));
    assertEquals(step, c.step());
    assertTrue(c.isFinite(), "latest.ckpt holds NaN/Inf");
    assertFalse(BooleanIndexing.or(c.params(), Conditions.notFinite()));
  }

  @Test
  void nanGradientNamesStepAndTensorAndKeepsTheLastGoodCheckpoint() throws Exception {
    String[] poisoned = new String[1];
    DivergenceException e = diverge((model, step) -> {
      if (step == 4) { // the 5th update; checkpoints exist at steps 0, 2 and 4
        List<Param> params = model.params().params();
        Param p = params.get(params.size() / 2);
        poisoned[0] = p.name();
        p.grad().putScalar(p.grad().length() - 1, Double.NaN);
      }
    });
    String m = e.getMessage();
    assertTrue(m.startsWith("step 5: gradient norm is NaN; first non-finite gradient: " + poisoned[0] + ";")
        && !m.contains("\n"), m);
    assertTrue(m.contains("latest.ckpt keeps step 4"), m);
    assertLatestIsFiniteAtStep(4);
    assertEquals(5, Files.readAllLines(tmp.resolve("run/train.csv")).size(), "header + steps 1-4 only");
  }

  @Test
  void nanParameterStopsAtTheLossAndKeepsTheLastGoodCheckpoint() throws Exception {
    DivergenceException e = diverge((model, step) -> {
      if (step == 2) { // poisons the weights after step 3's backward: the update spreads it, step 4's loss is NaN
        model.params().values().putScalar(0, Double.NaN);
      }
    });
    String m = e.getMessage();
    assertTrue(m.matches("step [34]: .*not finite.*|step 4: loss is NaN.*") && !m.contains("\n"), m);
    assertLatestIsFiniteAtStep(2);
  }

  @Test
  void checkpointIsNeverWrittenWithInfiniteMoments() throws Exception {
    DivergenceException e = diverge((model, step) -> {
      if (step == 2) { // finite but huge (no clipping): its square overflows Adam's second moment in float32
        model.params().grads().putScalar(0, 3e38);
      }
    }, "train.grad-clip=0");
    assertTrue(e.getMessage().startsWith("step "), e.getMessage());
    assertLatestIsFiniteAtStep(2);
  }
}
