package org.anisoscope.cli;

import org.anisoscope.config.Settings;
import org.anisoscope.data.Batch;
import org.anisoscope.objective.Objectives;
import org.anisoscope.train.AdamW;
import org.anisoscope.train.Network;
import org.anisoscope.train.TrainingStep;
import org.anisoscope.util.Seeds;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bench.sh times the trainer's own step: its loss trace is what {@link TrainingStep} gives on the same batches. */
class BenchTest {
  private static final List<String> TINY = List.of("model.layers=1", "model.heads=2", "model.d-model=16",
      "model.context=8", "train.batch-size=2");

  @Test
  void lossTraceIsTheTrainingStepsOwn() {
    List<String> argv = new ArrayList<>(List.of("--steps", "3", "--warmup", "2", "--warmup-seconds", "0",
        "--vocab", "11", "--losses"));
    argv.addAll(TINY);
    PrintStream saved = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      code = new CommandLine(new Bench()).execute(argv.toArray(String[]::new));
    } finally {
      System.setOut(saved);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out);
    assertTrue(out.contains("bench: ms_per_step="), out);
    String losses = out.lines().filter(l -> l.startsWith("losses: ")).findFirst().orElseThrow()
        .substring("losses: ".length());

    Settings s = Settings.load(null, TINY);
    Network model = Network.ofTokens(s.model().toConfig(11), Objectives.registry().create(s.objective()),
        s.run().seed());
    TrainingStep step = new TrainingStep(model, AdamW.of(model.params(), s.train()), s.train().gradClip());
    List<String> want = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Batch b = Bench.randomBatch(2, 8, 11, Seeds.derive(s.run().seed(), Seeds.TRAIN_BATCHES, i));
      want.add(String.format(Locale.ROOT, "%.6f", step.run(b, s.train().lr()).loss().loss()));
    }
    assertEquals(String.join(" ", want), losses);
  }
}
