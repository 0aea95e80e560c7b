package org.anisoscope.cli;

import org.anisoscope.config.Settings;
import org.anisoscope.config.SettingsException;
import org.anisoscope.data.Batch;
import org.anisoscope.model.Blas;
import org.anisoscope.model.Kernels;
import org.anisoscope.model.ModelConfig;
import org.anisoscope.objective.Objectives;
import org.anisoscope.train.AdamW;
import org.anisoscope.train.Network;
import org.anisoscope.train.TrainingStep;
import org.anisoscope.util.Parallel;
import org.anisoscope.util.Seeds;
import org.anisoscope.util.Timing;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * The training-step benchmark behind experiments/bench.sh: the configured model on random token batches (as the
 * PyTorch peer does), full step (forward, backward, clipping, AdamW), median over the measured steps.
 */
@Command(name = "bench.sh", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Times full training steps of the model a configuration describes, on random tokens.",
        "Last line: bench: ms_per_step=… tokens_per_s=… gflops=… peak_share=… rss_mb=…"})
public final class Bench implements Callable<Integer> {
  @Parameters(paramLabel = "CONFIG|KEY=VALUE", description = "A configuration file and key=value overrides.")
  private List<String> args = new ArrayList<>();

  @Option(names = "--steps", defaultValue = "20", description = "Measured steps (default: ${DEFAULT-VALUE}).")
  private int steps;

  @Option(names = "--warmup", defaultValue = "3", description = "Unmeasured first steps (default: ${DEFAULT-VALUE}).")
  private int warmup;

  @Option(names = "--warmup-seconds", defaultValue = "5",
      description = "Go on warming up until this much time has passed, for the JIT to compile the kernels "
          + "(default: ${DEFAULT-VALUE}; the PyTorch peer needs no such time).")
  private double warmupSeconds;

  @Option(names = "--vocab", defaultValue = "90", description = "Vocabulary size (default: ${DEFAULT-VALUE}).")
  private int vocab;

  @Option(names = "--sections", description = "Also print where the step's time goes (per section).")
  private boolean sections;

  @Option(names = "--losses", description = "Print the loss of every step (gpu-check.sh compares backends with it).")
  private boolean losses;

  @Option(names = "--torch-args", description = "Only print the arguments that give benchmarks/torch_gpt.py the "
      + "same model and batch, then exit.")
  private boolean torchArgs;

  public static void main(String... argv) {
    System.exit(new CommandLine(new Bench()).execute(argv));
  }

  @Override
  public Integer call() throws IOException {
    CliArgs parsed = CliArgs.split(args);
    Path config = parsed.configs().isEmpty() ? null : parsed.configs().get(parsed.configs().size() - 1);
    List<String> overrides = parsed.overrides();
    Settings s;
    try {
      s = Settings.load(config, overrides);
    } catch (SettingsException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    ModelConfig mc = s.model().toConfig(vocab);
    if (torchArgs) {
      System.out.printf(Locale.ROOT, "--layers %d --heads %d --d-model %d --d-ff %d --context %d --batch %d "
              + "--vocab %d --steps %d --warmup %d --seed %d --dropout %s%n", mc.layers(), mc.heads(), mc.dModel(),
          mc.dFf(), mc.context(), s.train().batchSize(), vocab, steps, warmup, s.run().seed(), mc.dropout());
      return 0;
    }
    Network model = Network.ofTokens(mc, Objectives.registry().create(s.objective()), s.run().seed());
    TrainingStep stepper = new TrainingStep(model, AdamW.of(model.params(), s.train()), s.train().gradClip());
    int b = s.train().batchSize();
    int t = mc.context();
    double peak = gemmPeak();
    double flops = stepFlops(mc, b, t);
    double[] ms = new double[steps];
    List<String> lossTrace = new ArrayList<>();
    long warmStart = System.nanoTime();
    int warmed = 0;
    while (warmed < warmup || (System.nanoTime() - warmStart) / 1e9 < warmupSeconds) {
      lossTrace.add(String.format(Locale.ROOT, "%.6f",
          step(stepper, randomBatch(b, t, vocab, Seeds.derive(s.run().seed(), Seeds.TRAIN_BATCHES, warmed)),
              s.train().lr())));
      warmed++;
    }
    if (sections) {
      Timing.report(); // drop the warm-up steps
    }
    for (int i = warmed; i < warmed + steps; i++) {
      Batch batch = randomBatch(b, t, vocab, Seeds.derive(s.run().seed(), Seeds.TRAIN_BATCHES, i));
      long t0 = System.nanoTime();
      double loss = step(stepper, batch, s.train().lr());
      ms[i - warmed] = (System.nanoTime() - t0) / 1e6;
      lossTrace.add(String.format(Locale.ROOT, "%.6f", loss));
    }
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    double gflops = flops / (median / 1000) / 1e9;
    long rss = peakRssMb();
    System.out.printf(Locale.ROOT, "model: %d layers, %d heads, d_model %d, d_ff %d, context %d, batch %d, "
            + "vocab %d, %,d parameters, %.1f GFLOP/step (GEMMs)%n", mc.layers(), mc.heads(), mc.dModel(), mc.dFf(),
        t, b, vocab, model.params().count(), flops / 1e9);
    System.out.printf(Locale.ROOT, "threads %d; GEMMs: %s; elementwise: %s; attention: %s%n", Parallel.threads(),
        Blas.direct() ? "OpenBLAS called directly, split across the threads" : "Nd4j.gemm/matmul",
        Kernels.enabled() ? "fused kernels (vector API)" : "ND4J op chains (reference path)",
        Kernels.attentionFused(mc, t) ? "fused per head (vector API, causal blocks skipped)" : "batched GEMMs");
    System.out.printf(Locale.ROOT, "steps (ms): %s%n", Arrays.toString(Arrays.stream(ms)
        .map(x -> Math.round(x * 10) / 10.0).toArray()));
    System.out.printf(Locale.ROOT, "GEMM peak in this run: %.0f GFLOP/s ([4096,128]x[128,512] float32)%n", peak);
    if (sections && Timing.ENABLED) {
      System.out.print(Timing.report());
    }
    if (losses) {
      System.out.println("backend: " + Nd4j.getBackend().getClass().getSimpleName());
      System.out.println("losses: " + String.join(" ", lossTrace));
    }
    System.out.printf(Locale.ROOT, "bench: ms_per_step=%.1f tokens_per_s=%.0f gflops=%.1f peak_share=%.3f "
        + "rss_mb=%d%n", median, b * t / (median / 1000), gflops, gflops / peak, rss);
    return 0;
  }

  static Batch randomBatch(int b, int t, int vocab, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] tok = new int[b * t];
    int[] tg = new int[b * t];
    for (int i = 0; i < tok.length; i++) {
      tok[i] = r.nextInt(vocab);
      tg[i] = r.nextInt(vocab);
    }
    return new Batch(b, t, tok, tg);
  }

  /**
   * Matrix-multiply FLOPs of one training step (forward + backward = 3 × forward, the standard count): per block
   * the q/k/v, output, and two MLP projections, the two attention products; the LM head. (The embedding is a
   * gather and a scatter-add, no matrix product.)
   */
  static double stepFlops(ModelConfig c, int b, int t) {
    return stepFlops(c.layers(), c.dModel(), c.dFf(), c.vocab(), b, t);
  }

  static double stepFlops(int layers, int dModel, int dFf, int vocab, int b, int t) {
    double n = (double) b * t;
    double perLayer = 2 * n * dModel * 3 * dModel + 2 * n * dModel * dModel
        + 2 * 2 * n * dModel * dFf + 2 * 2 * (double) b * t * t * dModel;
    double head = 2 * n * dModel * vocab;
    return 3 * (layers * perLayer + head);
  }

  /** One full training step, the trainer's own ({@link TrainingStep}); returns the loss. */
  private static double step(TrainingStep stepper, Batch batch, double lr) {
    try {
      return stepper.run(batch, lr).loss().loss();
    } catch (TrainingStep.NonFiniteException e) {
      throw new IllegalStateException("the benchmark diverged: " + e.getMessage(), e);
    }
  }

  /** Best of 10 GEMMs of the notes' reference shape into a preallocated output. */
  static double gemmPeak() {
    INDArray a = Nd4j.rand(DataType.FLOAT, 4096, 128);
    INDArray w = Nd4j.rand(DataType.FLOAT, 128, 512);
    INDArray c = Nd4j.create(DataType.FLOAT, 4096, 512);
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 13; i++) {
      long t0 = System.nanoTime();
      Blas.gemm(a, w, c, false, false, 1.0, 0.0);
      if (i >= 3) {
        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      }
    }
    return 2.0 * 4096 * 128 * 512 / best / 1e9;
  }

  static long peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
