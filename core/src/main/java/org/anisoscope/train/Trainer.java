package org.anisoscope.train;

import org.anisoscope.config.Settings;
import org.anisoscope.config.TrainSettings;
import org.anisoscope.data.Batch;
import org.anisoscope.data.BatchSource;
import org.anisoscope.model.Param;
import org.anisoscope.objective.LossResult;
import org.anisoscope.probe.Probe;
import org.anisoscope.files.BadInputException;
import org.anisoscope.files.CsvLog;
import org.anisoscope.run.RunDirectory;
import org.anisoscope.util.Seeds;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The training loop: AdamW with warm-up + cosine schedule and global-norm clipping, periodic validation, probes
 * at step 0, every epoch end and every {@code probe.every-steps}, checkpoints at epoch ends and every
 * {@code train.checkpoint-every} steps. Everything random is a function of (seed, step), so a run resumed from
 * a checkpoint continues exactly as the uninterrupted run would have.
 */
public final class Trainer {
  public static final String LATEST = "latest.ckpt";
  public static final String BEST = "best.ckpt";
  /**
   * Fault injection: {@code -Danisoscope.fault.nan-gradient-at-step=N} puts a NaN into one gradient at update N,
   * so the divergence path (message, exit code 3, kept checkpoint) can be exercised end to end. Unset normally.
   */
  public static final String POISON_PROPERTY = "anisoscope.fault.nan-gradient-at-step";

  private final Settings settings;
  private final TrainSettings ts;
  private final Network model;
  private final BatchSource data;
  private final RunDirectory run;
  private final PrintStream out;
  private final AdamW adam;
  private final TrainingStep stepper;
  private final DeviceTraining device; // null: the ND4J model trains (model.device = cpu)
  private final LrSchedule schedule;
  private final int stepsPerEpoch;
  private final long totalSteps;
  private final List<Batch> evalBatches;
  private final long seed;
  private double bestVal = Double.POSITIVE_INFINITY;
  private double probeSeconds;
  private double evalSeconds;
  private double trainSeconds;
  private double warmupSeconds;
  private double lastValLoss = Double.NaN;
  private long stopAt = Long.MAX_VALUE;
  private org.anisoscope.probe.TokenGroups tokenGroups;
  private long lastCheckpointStep = -1;
  private Checkpoint resumeFrom;
  private java.util.function.ObjLongConsumer<Network> afterBackward = (m, step) -> { };

  public Trainer(Settings settings, Network model, BatchSource data, RunDirectory run, PrintStream out) {
    this.settings = settings;
    this.ts = settings.train();
    this.model = model;
    this.data = data;
    this.run = run;
    this.out = out;
    this.seed = settings.run().seed();
    this.adam = AdamW.of(model.params(), ts);
    this.stepper = new TrainingStep(model, adam, ts.gradClip());
    this.device = DeviceTraining.open(settings, model);
    this.stepsPerEpoch = stepsPerEpoch(ts, data);
    this.totalSteps = (long) stepsPerEpoch * ts.epochs();
    this.schedule = new LrSchedule(ts.lr(), ts.minLr(), ts.warmupSteps(), totalSteps);
    this.evalBatches = data.evalBatches();
    long poisonAt = Long.getLong(POISON_PROPERTY, -1);
    if (poisonAt > 0) { // fault injection for testing what watches a run (exit code 3, kept checkpoint)
      this.afterBackward = (m, step) -> {
        if (step + 1 == poisonAt) {
          List<Param> ps = m.params().params();
          ps.get(ps.size() / 2).grad().putScalar(0, Double.NaN);
        }
      };
    }
  }

  /**
   * Ends training after step {@code step} as if the process had been killed there (after that step's logs,
   * evaluation, probe and checkpoint): for resume tests and time-boxed runs.
   */
  public Trainer stopAt(long step) {
    this.stopAt = step;
    return this;
  }

  /** Token-frequency groups for the probe's {@code cos_mean_freq_q*} rows (token-based modalities). */
  public Trainer withTokenGroups(org.anisoscope.probe.TokenGroups groups) {
    this.tokenGroups = groups;
    return this;
  }

  /** Test seam: called after each backward pass, before the loss and gradients are checked. */
  Trainer afterBackward(java.util.function.ObjLongConsumer<Network> hook) {
    this.afterBackward = hook;
    return this;
  }

  /** Optimizer steps per epoch: {@code train.steps-per-epoch}, or one pass over the training split. */
  public static int stepsPerEpoch(TrainSettings ts, BatchSource data) {
    long perEpoch = ts.stepsPerEpoch() > 0 ? ts.stepsPerEpoch()
        : Math.max(1, data.trainPositions() / ((long) ts.batchSize() * data.seq()));
    return (int) Math.min(Integer.MAX_VALUE, perEpoch);
  }

  /**
   * Reads and loads the run's latest checkpoint (failing with one line naming the file if it is unreadable or
   * does not fit the model) and returns its step, or -1 when the run was killed before its first checkpoint
   * (then {@link #train train(true)} starts again from step 0). Lets a caller check a resume before writing.
   */
  public long prepareResume() throws IOException {
    Path latest = run.checkpoints().resolve(LATEST);
    if (!Files.exists(latest)) {
      resumeFrom = null;
      return -1;
    }
    Checkpoint c = Checkpoint.read(latest);
    try {
      c.restore(model.params(), adam);
      if (device != null) {
        device.fromHost(adam);
      }
    } catch (BadInputException e) {
      throw new BadInputException(latest + ": " + e.getMessage(), e);
    }
    resumeFrom = c;
    return c.step();
  }

  /** Where training runs: {@code cpu (ND4J)}, or the device's name ({@code cpu}, {@code cuda:<GPU name>}). */
  public String deviceName() {
    return device == null ? "cpu (ND4J)" : device.model().device().name();
  }

  public long totalSteps() {
    return totalSteps;
  }

  public int stepsPerEpoch() {
    return stepsPerEpoch;
  }

  /** Trains from scratch (step 0) or, with {@code resume}, from the run's latest checkpoint. */
  public Summary train(boolean resume) throws IOException {
    long start = 0;
    Path latest = run.checkpoints().resolve(LATEST);
    List<String> trainColumns = new ArrayList<>(RunDirectory.TRAIN_COLUMNS);
    trainColumns.addAll(model.objective().scalarNames());
    List<String> evalColumns = new ArrayList<>(RunDirectory.EVAL_COLUMNS);
    evalColumns.addAll(model.objective().scalarNames());
    if (resume && resumeFrom == null && prepareResume() < 0) {
      // Killed before the step-0 checkpoint: nothing worth keeping was logged, so start again from scratch.
      out.printf(Locale.ROOT, "no checkpoint in %s yet (interrupted before step 0 was saved): starting from step 0%n",
          run.checkpoints());
      for (String f : List.of("train.csv", "eval.csv", "probes.csv")) {
        Files.deleteIfExists(run.file(f));
      }
      resume = false;
    }
    if (resume) {
      Checkpoint c = resumeFrom;
      start = c.step();
      lastCheckpointStep = start;
      bestVal = c.bestValLoss();
      out.printf(Locale.ROOT, "resuming %s at step %d of %d%n", run.path(), start, totalSteps);
      if (start >= totalSteps) {
        out.println("nothing left to train: the run reached its last step; only its final outputs are written again");
      }
    }
    // Every channel is closed however training ends (divergence, a full disk, a bug), in reverse order.
    try (CsvLog trainCsv = log("train.csv", trainColumns, resume, start);
         CsvLog evalCsv = log("eval.csv", evalColumns, resume, start);
         CsvLog probeCsv = log("probes.csv", RunDirectory.PROBE_COLUMNS, resume, start);
         Probe probe = new Probe(settings.probe(), model.model(), data.probeBatches(settings.probe().sequences(),
             settings.probe().batchSize()), probeCsv, run, seed)) {
      if (tokenGroups != null) {
        probe.withTokenGroups(tokenGroups);
      }
      data.probeLabels().ifPresent(probe::withLabels); // a modality's own labels (image classes) for the cone plot
      if (device != null) {
        probe.withSource(device.probeSource());
      }
      if (resume) {
        lastValLoss = lastLoggedValLoss(run.file("eval.csv")); // a run resumed at its end trains nothing more
      }
      if (start == 0) {
        warmUp();
        timedProbe(probe, 0, 0);
        evaluate(evalCsv, 0, 0);
        saveLatest(0, latest);
      }
      loop(start, trainCsv, evalCsv, probe, latest);
      if (device != null) {
        device.toHost(adam); // a run stopped between checkpoints (stopAt) leaves the final weights on the host too
      }
    } finally {
      if (device != null) {
        device.close();  // however training ends; the host store already holds what a caller reads
      }
    }
    return new Summary(totalSteps, lastValLoss, bestVal, trainSeconds, evalSeconds, probeSeconds, warmupSeconds);
  }

  /**
   * The loss of the last {@code val} row of an {@code eval.csv} (columns {@link RunDirectory#EVAL_COLUMNS} first),
   * or NaN when it has none: the "final val loss" of a run resumed after its last evaluation.
   */
  static double lastLoggedValLoss(Path evalCsv) throws IOException {
    if (!Files.exists(evalCsv)) {
      return Double.NaN;
    }
    double last = Double.NaN;
    for (String line : Files.readAllLines(evalCsv, java.nio.charset.StandardCharsets.UTF_8)) {
      String[] f = line.split(",", -1);
      if (f.length >= 4 && f[2].equals("val")) {
        last = Double.parseDouble(f[3]);
      }
    }
    return last;
  }

  /** A new log, or on resume the existing one cut back to the checkpoint's step. */
  private CsvLog log(String name, List<String> columns, boolean resume, long start) throws IOException {
    return resume ? CsvLog.resume(run.file(name), columns, start) : CsvLog.create(run.file(name), columns);
  }

  private void loop(long start, CsvLog trainCsv, CsvLog evalCsv, Probe probe, Path latest) throws IOException {
    long t0 = System.nanoTime();
    double windowSeconds = 0;
    double windowLoss = 0;
    int windowSteps = 0;
    for (long step = start; step < Math.min(totalSteps, stopAt); step++) {
      Nd4j.getRandom().setSeed(Seeds.derive(seed, Seeds.DROPOUT, step));
      Batch batch = data.train(step);
      double lr = schedule.at(step);
      long s0 = System.nanoTime();
      long current = step;
      TrainingStep.Result result;
      try {
        result = device != null ? device.step(batch, lr, step)
            : stepper.run(batch, lr, () -> afterBackward.accept(model, current));
      } catch (TrainingStep.NonFiniteException e) {
        throw diverged(step + 1, e.getMessage());
      }
      LossResult r = result.loss();
      double gradNorm = result.gradNorm();
      double dt = (System.nanoTime() - s0) / 1e9;
      trainSeconds += dt;
      long done = step + 1;
      int epoch = (int) ((done - 1) / stepsPerEpoch) + 1;
      double tokensPerS = batch.positions() / dt;
      double elapsed = (System.nanoTime() - t0) / 1e9;
      trainCsv.append(row(r, done, epoch, r.loss(), lr, gradNorm, tokensPerS, elapsed));
      windowSeconds += dt;
      windowLoss += r.loss();
      windowSteps++;
      if (done % ts.logEvery() == 0 || done == totalSteps || done == start + 1) {
        double perStep = windowSeconds / windowSteps;
        out.println(progress(done, epoch, windowLoss / windowSteps, lr, batch.positions() / perStep, perStep,
            elapsed, perStep * (totalSteps - done)));
        windowSeconds = 0;
        windowLoss = 0;
        windowSteps = 0;
      }
      boolean epochEnd = done % stepsPerEpoch == 0;
      if (epochEnd || (ts.evalEvery() > 0 && done % ts.evalEvery() == 0)) {
        evaluate(evalCsv, done, epoch);
      }
      int every = settings.probe().everySteps();
      if (epochEnd || (every > 0 && done % every == 0)) {
        timedProbe(probe, done, epoch);
      }
      if (epochEnd || (ts.checkpointEvery() > 0 && done % ts.checkpointEvery() == 0)) {
        saveLatest(done, latest);
      }
    }
  }

  private void evaluate(CsvLog evalCsv, long step, int epoch) throws IOException {
    long s0 = System.nanoTime();
    double sum = 0;
    double weight = 0;
    java.util.Map<String, Double> scalarSums = new java.util.HashMap<>();
    for (Batch b : evalBatches) {
      LossResult r = device != null ? device.evaluate(b) : model.forward(b, false);
      sum += r.loss() * r.weight();
      weight += r.weight();
      for (java.util.Map.Entry<String, Double> e : r.scalars().entrySet()) {
        scalarSums.merge(e.getKey(), e.getValue() * r.weight(), Double::sum);
      }
    }
    double loss = sum / weight;
    if (!Double.isFinite(loss)) {
      throw diverged(step, "validation loss is " + loss);
    }
    evalCsv.append(row(scalarSums, weight, step, epoch, "val", loss));
    lastValLoss = loss;
    evalSeconds += (System.nanoTime() - s0) / 1e9;
    out.printf(Locale.ROOT, "eval step %d: val loss %.4f%n", step, loss);
    if (loss < bestVal) {
      bestVal = loss;
      if (step > 0) {
        if (device != null) {
          device.toHost(adam);
        }
        Checkpoint.of(step, bestVal, model.params(), adam).write(run.checkpoints().resolve(BEST));
      }
    }
  }

  /** The fixed columns followed by the objective's scalars (batch-weighted means for evaluation). */
  private Object[] row(LossResult r, Object... fixed) {
    List<String> names = model.objective().scalarNames();
    Object[] out = java.util.Arrays.copyOf(fixed, fixed.length + names.size());
    for (int i = 0; i < names.size(); i++) {
      out[fixed.length + i] = r.scalars().getOrDefault(names.get(i), Double.NaN);
    }
    return out;
  }

  private Object[] row(java.util.Map<String, Double> sums, double weight, Object... fixed) {
    List<String> names = model.objective().scalarNames();
    Object[] out = java.util.Arrays.copyOf(fixed, fixed.length + names.size());
    for (int i = 0; i < names.size(); i++) {
      out[fixed.length + i] = sums.getOrDefault(names.get(i), Double.NaN) / weight;
    }
    return out;
  }

  /**
   * One forward and backward pass of step 1's batch before the step-0 probe, its gradients discarded: it pays the
   * JVM's one-time start-up costs (the JIT compiling the kernels, first use of each ND4J op, buffer allocation) that
   * the step-0 probe would otherwise be charged for (its first forward pass took 1.9 s cold, 0.13 s warm). The whole
   * run's wall time stayed within noise: 60-step char-lm runs took a median 39.4 s with it and 38.6 s without (3
   * alternating runs each, spread ±3 s). No state changes: every step zeroes the gradients and reseeds its random
   * draws, and no optimizer step is taken.
   */
  private void warmUp() {
    long s0 = System.nanoTime();
    Nd4j.getRandom().setSeed(Seeds.derive(seed, Seeds.DROPOUT, 0));
    if (device != null) {
      device.forwardBackward(data.train(0), 0);
      device.zeroGrads();
    } else {
      model.forwardBackward(data.train(0));
      model.params().grads().assign(0);
    }
    warmupSeconds += (System.nanoTime() - s0) / 1e9;
  }

  private void timedProbe(Probe probe, long step, int epoch) throws IOException {
    long s0 = System.nanoTime();
    probe.run(step, epoch);
    double dt = (System.nanoTime() - s0) / 1e9;
    probeSeconds += dt;
    out.printf(Locale.ROOT, "probe step %d: %d hooks in %.2f s%n", step, probe.hooks().size(), dt);
  }

  /** Writes {@code checkpoints/latest.ckpt}, never with a non-finite state: the last good one is kept instead. */
  private void saveLatest(long step, Path latest) throws IOException {
    if (device != null) {
      device.toHost(adam);
    }
    Checkpoint c = Checkpoint.of(step, bestVal, model.params(), adam);
    if (!c.isFinite()) {
      throw diverged(step, "parameters or optimizer moments are not finite");
    }
    c.write(latest);
    lastCheckpointStep = step;
  }

  private DivergenceException diverged(long step, String what) {
    return new DivergenceException(String.format(Locale.ROOT, "step %d: %s; %s", step, what,
        lastCheckpointStep < 0 ? "no checkpoint was written"
            : "checkpoints/" + LATEST + " keeps step " + lastCheckpointStep));
  }

  static String progress(long step, int epoch, double loss, double lr, double tokPerS, double secPerStep,
      double elapsed, double eta) {
    return String.format(Locale.ROOT, "step %d | epoch %d | loss %.4f | lr %.2e | %,.0f tok/s | %.0f ms/step | "
        + "elapsed %s | ETA %s", step, epoch, loss, lr, tokPerS, secPerStep * 1000, clock(elapsed), clock(eta));
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  /**
   * What a finished run reports. {@code warmupSeconds}: the discarded pass before the step-0 probe (JIT and first-use
   * costs, see {@code warmUp}); not part of the training, evaluation or probe time.
   */
  public record Summary(long steps, double finalValLoss, double bestValLoss, double trainSeconds,
      double evalSeconds, double probeSeconds, double warmupSeconds) {
  }
}
