package org.anisoscope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.anisoscope.config.Settings;
import org.anisoscope.data.Batch;
import org.anisoscope.data.BatchSource;
import org.anisoscope.device.StepRecord;
import org.anisoscope.model.CpuDevice;
import org.anisoscope.model.Param;
import org.anisoscope.train.AdamW;
import org.anisoscope.train.DeviceTraining;
import org.anisoscope.train.LrSchedule;
import org.anisoscope.train.ModalityData;
import org.anisoscope.train.Network;
import org.anisoscope.train.Trainer;
import org.anisoscope.train.TrainingStep;
import org.anisoscope.util.Seeds;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The CPU half of gpu-check.sh's loss agreement: the first {@code N} steps of a config's run on the ND4J model and on
 * the device model over {@code CpuDevice} (the same batches, learning rates and initial weights as the training
 * loop), checked against each other and written as a {@link StepRecord} for the GPU to replay
 * ({@code org.anisoscope.cuda.DeviceCheck --replay}).
 *
 * <pre>java ... org.anisoscope.cli.GpuCheckRecord OUT_FILE STEPS CONFIG [key=value...]</pre>
 * Exit 0 when the two CPU paths agree in every loss to 1e-4 relative (or, with dropout, always: their masks differ),
 * 1 otherwise.
 */
public final class GpuCheckRecord {
  private GpuCheckRecord() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: GpuCheckRecord OUT_FILE STEPS CONFIG [key=value...]");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    List<String> overrides = new ArrayList<>(Arrays.asList(args).subList(3, args.length));
    overrides.add("anisoscope.model.device=cpu");
    Settings s = Settings.load(Path.of(args[2]), overrides);
    ModalityData data = Modalities.load(s);
    BatchSource batches = data.batches(s);
    long seed = s.run().seed();
    long total = (long) Trainer.stepsPerEpoch(s.train(), batches) * s.train().epochs();
    LrSchedule schedule = new LrSchedule(s.train().lr(), s.train().minLr(), s.train().warmupSteps(), total);

    Network host = data.network(s);
    Map<String, float[]> weights = new LinkedHashMap<>();
    for (Param p : host.params().params()) {
      weights.put(p.name(), p.value().dup().data().asFloat());
    }
    AdamW adam = AdamW.of(host.params(), s.train());
    TrainingStep hostStep = new TrainingStep(host, adam, s.train().gradClip());
    List<StepRecord.Step> steps = new ArrayList<>();
    Map<String, float[]> firstGradients = new LinkedHashMap<>();
    boolean agree = true;
    double worst = 0;
    try (DeviceTraining dev = new DeviceTraining(new CpuDevice(), data.network(s), s.train(), seed)) {
      for (int step = 0; step < n; step++) {
        Batch b = batches.train(step);
        double lr = schedule.at(step);
        Nd4j.getRandom().setSeed(Seeds.derive(seed, Seeds.DROPOUT, step)); // as the Trainer
        double h = hostStep.run(b, lr).loss().loss();
        if (step == 0) { // after clipping (the optimizer does not touch the gradients)
          for (Param p : host.params().params()) {
            firstGradients.put(p.name(), p.grad().dup().data().asFloat());
          }
        }
        double d = dev.step(b, lr, step).loss().loss();
        double rel = Math.abs(h - d) / Math.abs(h);
        worst = Math.max(worst, rel);
        agree &= rel <= 1e-4;
        System.out.printf(Locale.ROOT, "step %2d  nd4j %.6f  cpu-device %.6f  rel %.2e%n", step + 1, h, d, rel);
        int[] targets = b.targets().clone();
        steps.add(new StepRecord.Step(b.size(), b.seq(), b.tokens().clone(), targets, lr,
            Seeds.derive(seed, Seeds.DROPOUT, step), h, d));
      }
      new StepRecord(DeviceTraining.shape(host), s.train().weightDecay(), s.train().beta1(), s.train().beta2(),
          s.train().gradClip(), s.train().decayEmbeddings(), weights, steps, firstGradients).write(out);
    }
    boolean dropout = s.model().dropout() > 0;
    System.out.printf(Locale.ROOT, "recorded %d steps in %s; ND4J vs cpu-device: max relative difference %.2e %s%n",
        n, out, worst, dropout ? "(dropout on: different masks, not compared)" : agree ? "(<= 1e-4: ok)" : "FAIL");
    System.exit(agree || dropout ? 0 : 1);
  }
}
