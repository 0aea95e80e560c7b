package org.anisoscope.control;

import org.anisoscope.config.Settings;
import org.anisoscope.config.TrainSettings;
import org.anisoscope.metrics.HookVectors;
import org.anisoscope.metrics.Metric;
import org.anisoscope.metrics.Metrics;
import org.anisoscope.model.Hooks;
import org.anisoscope.probe.ProbeRows;
import org.anisoscope.files.CsvLog;
import org.anisoscope.run.RunDirectory;
import org.anisoscope.train.LrSchedule;
import org.anisoscope.util.Seeds;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a DL4J {@link MultiLayerNetwork} (DL4J's own forward, backward and updater) on a {@link ControlData} and
 * writes the run directory every run has: {@code train.csv}, {@code eval.csv} (with {@code acc}) and
 * {@code probes.csv} at step 0, every {@code train.eval-every}/{@code probe.every-steps} and every epoch end. The
 * probe takes {@code feedForward}'s activation of every layer but the output layer on the fixed probe inputs,
 * turns each into per-position vectors ({@link ActivationVectors}) and computes {@code probe.metrics} with the
 * Transformer probe's own code ({@link ProbeRows}); layer L's rows are under the hook name
 * {@code blocks.L.hook_resid_post}, so depth plots and comparisons read them like a Transformer's blocks.
 *
 * <p>Not recorded: {@code grad_norm} (DL4J's {@code fit} applies the update in place of the gradient; the column
 * is empty), checkpoints (no {@code --resume}). {@code tokens_per_s} counts examples per second.
 */
public final class ControlRun {
  private final Settings settings;
  private final MultiLayerNetwork net;
  private final ControlData data;
  private final RunDirectory run;
  private final PrintStream out;
  private final List<Metric> metrics;
  private final int stepsPerEpoch;
  private final long totalSteps;
  private final long seed;
  private double trainSeconds;
  private double evalSeconds;
  private double probeSeconds;
  private double lastValLoss = Double.NaN;
  private double lastValAcc = Double.NaN;

  public ControlRun(Settings settings, MultiLayerNetwork net, ControlData data, RunDirectory run, PrintStream out) {
    this.settings = settings;
    this.net = net;
    this.data = data;
    this.run = run;
    this.out = out;
    this.metrics = Metrics.create(settings.probe().metrics());
    this.stepsPerEpoch = stepsPerEpoch(settings.train(), data);
    this.totalSteps = (long) stepsPerEpoch * settings.train().epochs();
    this.seed = settings.run().seed();
  }

  /** {@code train.steps-per-epoch}, or one pass over the training examples. */
  public static int stepsPerEpoch(TrainSettings ts, ControlData data) {
    return ts.stepsPerEpoch() > 0 ? ts.stepsPerEpoch()
        : (int) Math.max(1, data.trainExamples() / ts.batchSize());
  }

  /**
   * The framework's schedule (linear warm-up, cosine decay to {@code train.min-lr}) as a DL4J schedule: its value
   * at every iteration, so DL4J's updater follows exactly the learning rates a Transformer run uses.
   */
  public static ISchedule schedule(TrainSettings ts, long totalSteps) {
    LrSchedule lr = new LrSchedule(ts.lr(), ts.minLr(), ts.warmupSteps(), totalSteps);
    MapSchedule.Builder b = new MapSchedule.Builder(ScheduleType.ITERATION);
    for (int i = 0; i <= totalSteps; i++) {
      b.add(i, lr.at(i));
    }
    return b.build();
  }

  public long totalSteps() {
    return totalSteps;
  }

  public int stepsPerEpoch() {
    return stepsPerEpoch;
  }

  /** Trains from step 0 to the end; returns the summary. */
  public Summary train() throws IOException {
    List<String> evalCols = new ArrayList<>(RunDirectory.EVAL_COLUMNS);
    evalCols.add("acc");
    LrSchedule lr = new LrSchedule(settings.train().lr(), settings.train().minLr(), settings.train().warmupSteps(),
        totalSteps);
    List<DataSet> eval = data.eval();
    INDArray probeIn = data.probeInputs(settings.probe().sequences());
    try (CsvLog trainCsv = CsvLog.create(run.file("train.csv"), RunDirectory.TRAIN_COLUMNS);
         CsvLog evalCsv = CsvLog.create(run.file("eval.csv"), evalCols);
         CsvLog probeCsv = CsvLog.create(run.file("probes.csv"), RunDirectory.PROBE_COLUMNS)) {
      probe(probeCsv, probeIn, 0, 0);
      evaluate(evalCsv, eval, 0, 0);
      long t0 = System.nanoTime();
      double window = 0;
      double windowLoss = 0;
      int windowSteps = 0;
      for (long step = 0; step < totalSteps; step++) {
        DataSet batch = data.train(step);
        Nd4j.getRandom().setSeed(Seeds.derive(seed, Seeds.DROPOUT, step));
        long s0 = System.nanoTime();
        net.fit(batch);
        double loss = net.score() - net.calcRegularizationScore(true);  // the data loss, as a Transformer run logs
        double dt = (System.nanoTime() - s0) / 1e9;
        trainSeconds += dt;
        if (!Double.isFinite(loss)) {
          throw new org.anisoscope.train.DivergenceException(String.format(Locale.ROOT, "step %d: loss is %s; "
              + "DL4J control runs keep no checkpoint", step + 1, loss));
        }
        long done = step + 1;
        int epoch = (int) ((done - 1) / stepsPerEpoch) + 1;
        double elapsed = (System.nanoTime() - t0) / 1e9;
        trainCsv.append(done, epoch, loss, lr.at(step), null, batch.numExamples() / dt, elapsed);
        window += dt;
        windowLoss += loss;
        windowSteps++;
        if (done % settings.train().logEvery() == 0 || done == totalSteps || done == 1) {
          double perStep = window / windowSteps;
          out.printf(Locale.ROOT, "step %d | epoch %d | loss %.4f | lr %.2e | %,.0f examples/s | %.0f ms/step | "
                  + "elapsed %.0f s | ETA %.0f s%n", done, epoch, windowLoss / windowSteps, lr.at(step),
              batch.numExamples() / perStep, perStep * 1000, elapsed, perStep * (totalSteps - done));
          window = 0;
          windowLoss = 0;
          windowSteps = 0;
        }
        boolean epochEnd = done % stepsPerEpoch == 0;
        int evalEvery = settings.train().evalEvery();
        if (epochEnd || (evalEvery > 0 && done % evalEvery == 0)) {
          evaluate(evalCsv, eval, done, epoch);
        }
        int probeEvery = settings.probe().everySteps();
        if (epochEnd || (probeEvery > 0 && done % probeEvery == 0)) {
          probe(probeCsv, probeIn, done, epoch);
        }
      }
    }
    return new Summary(totalSteps, lastValLoss, lastValAcc, trainSeconds, evalSeconds, probeSeconds);
  }

  private void evaluate(CsvLog csv, List<DataSet> eval, long step, int epoch) throws IOException {
    long s0 = System.nanoTime();
    double lossSum = 0;
    long correct = 0;
    long n = 0;
    for (DataSet d : eval) {
      INDArray probs = net.output(d.getFeatures(), false);              // [B, classes] softmax
      long[] p = probs.argMax(1).toLongVector();
      long[] t = d.getLabels().argMax(1).toLongVector();
      for (int i = 0; i < p.length; i++) {
        correct += p[i] == t[i] ? 1 : 0;
        lossSum -= Math.log(Math.max(probs.getDouble(i, t[i]), 1e-30));  // cross-entropy without weight decay
      }
      n += d.numExamples();
    }
    lastValLoss = lossSum / n;
    lastValAcc = (double) correct / n;
    csv.append(step, epoch, "val", lastValLoss, lastValAcc);
    evalSeconds += (System.nanoTime() - s0) / 1e9;
    out.printf(Locale.ROOT, "eval step %d: val loss %.4f, val acc %.4f%n", step, lastValLoss, lastValAcc);
  }

  private void probe(CsvLog csv, INDArray inputs, long step, int epoch) throws IOException {
    long s0 = System.nanoTime();
    List<INDArray> acts = net.feedForward(inputs, false);   // [0] the input, [L + 1] layer L's output
    List<Object[]> rows = new ArrayList<>();
    int layers = net.getnLayers() - 1;                      // the output layer is not a representation
    for (int l = 0; l < layers; l++) {
      INDArray a = acts.get(l + 1);
      HookVectors v = ActivationVectors.of(a);
      List<Metric> use = metrics;
      if (ActivationVectors.positions(a) < 2) {              // one vector per example: nothing within it
        use = metrics.stream().filter(m -> !m.name().equals("cos_mean_intra")).toList();
      }
      Map<String, Double> values = ProbeRows.vectorMetrics(use, v, settings.probe().bootstrap(), seed, step);
      ProbeRows.emit(rows, step, epoch, Hooks.residPost(l), null, values);
    }
    csv.appendAll(rows);
    double dt = (System.nanoTime() - s0) / 1e9;
    probeSeconds += dt;
    out.printf(Locale.ROOT, "probe step %d: %d layers in %.2f s%n", step, layers, dt);
  }

  /** Layer {@code l}'s kind and output shape per example, for the log. */
  public static List<String> describe(MultiLayerNetwork net, INDArray oneInput) {
    List<INDArray> acts = net.feedForward(oneInput, false);
    List<String> out = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int l = 0; l < net.getnLayers(); l++) {
      String kind = net.getLayer(l).getClass().getSimpleName();
      seen.merge(kind, 1, Integer::sum);
      long[] shape = acts.get(l + 1).shape();
      out.add(String.format(Locale.ROOT, "L%d %s %s", l, kind, java.util.Arrays.toString(
          java.util.Arrays.copyOfRange(shape, 1, shape.length))));
    }
    return out;
  }

  /** What a finished control run reports. */
  public record Summary(long steps, double finalValLoss, double finalValAcc, double trainSeconds,
      double evalSeconds, double probeSeconds) {
  }
}
