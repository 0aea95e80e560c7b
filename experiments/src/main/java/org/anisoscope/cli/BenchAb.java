package org.anisoscope.cli;

import org.anisoscope.config.Settings;
import org.anisoscope.config.SettingsException;
import org.anisoscope.model.Kernels;
import org.anisoscope.model.ModelConfig;
import org.anisoscope.objective.Objectives;
import org.anisoscope.train.AdamW;
import org.anisoscope.train.Network;
import org.anisoscope.train.TrainingStep;
import org.anisoscope.util.Seeds;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Two settings of the CPU step compared step by step in one JVM: the steps alternate A, B, A, B, … on the same
 * model, so a machine whose load changes (another build, another benchmark) slows both alike, which separate
 * bench.sh runs cannot promise. Settings: {@code lnfusion=on|off} (layer norms keep means, not x̂, and take the
 * residual adds into their passes: {@link Kernels#setLayerNormFusion}; the same bits either way),
 * {@code dboverlap=on|off} (a linear layer's bias gradient on the dx product's thread after it, or before the pair:
 * {@link org.anisoscope.model.Linear#setOverlapBiasGrad}; the same bits either way). (The commit that measured
 * {@code Blas.gemmPair}'s alternatives, b4b8009, also had {@code pairing=pair|split|ksplit}.)
 */
@Command(name = "BenchAb", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Alternates two settings of the training step in one JVM; prints both medians and their ratio.")
public final class BenchAb implements Callable<Integer> {
  @Parameters(paramLabel = "CONFIG|KEY=VALUE", description = "A configuration file and key=value overrides.")
  private List<String> args = new ArrayList<>();

  @Option(names = "--a", required = true, description = "Setting A, e.g. lnfusion=off,dboverlap=off")
  private String a;

  @Option(names = "--b", required = true, description = "Setting B, e.g. lnfusion=on")
  private String b;

  @Option(names = "--steps", defaultValue = "20", description = "Measured steps per setting (default: ${DEFAULT-VALUE}).")
  private int steps;

  @Option(names = "--warmup-seconds", defaultValue = "8", description = "Warm-up, both settings alternating.")
  private double warmupSeconds;

  @Option(names = "--vocab", defaultValue = "90", description = "Vocabulary size (default: ${DEFAULT-VALUE}).")
  private int vocab;

  public static void main(String... argv) {
    System.exit(new CommandLine(new BenchAb()).execute(argv));
  }

  @Override
  public Integer call() {
    CliArgs parsed = CliArgs.split(args);
    Settings s;
    try {
      s = Settings.load(parsed.configs().isEmpty() ? null : parsed.configs().get(parsed.configs().size() - 1),
          parsed.overrides());
      apply(a);
      apply(b);
    } catch (SettingsException | IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    ModelConfig mc = s.model().toConfig(vocab);
    Network model = Network.ofTokens(mc, Objectives.registry().create(s.objective()), s.run().seed());
    TrainingStep stepper = new TrainingStep(model, AdamW.of(model.params(), s.train()), s.train().gradClip());
    int batch = s.train().batchSize();
    int t = mc.context();
    double peak = Bench.gemmPeak();
    double flops = Bench.stepFlops(mc, batch, t);
    long warmStart = System.nanoTime();
    int i = 0;
    while (i < 4 || (System.nanoTime() - warmStart) / 1e9 < warmupSeconds) {
      step(stepper, s, batch, t, i % 2 == 0 ? a : b, i);
      i++;
    }
    double[][] ms = new double[2][steps];
    double[][] cpu = new double[2][steps];
    for (int k = 0; k < 2 * steps; k++, i++) {
      int side = k % 2;
      long c0 = cpuNanos();
      ms[side][k / 2] = step(stepper, s, batch, t, side == 0 ? a : b, i);
      cpu[side][k / 2] = (cpuNanos() - c0) / 1e6;
    }
    double[] ratio = new double[steps];
    for (int k = 0; k < steps; k++) {
      ratio[k] = ms[1][k] / ms[0][k];
    }
    double ma = median(ms[0]);
    double mb = median(ms[1]);
    System.out.printf(Locale.ROOT, "A %s: %s%nB %s: %s%n", a, round(ms[0]), b, round(ms[1]));
    System.out.printf(Locale.ROOT, "GEMM peak in this run: %.0f GFLOP/s%n", peak);
    System.out.printf(Locale.ROOT, "ab: a_ms=%.1f b_ms=%.1f a_share=%.3f b_share=%.3f ratio_b_over_a=%.3f "
            + "(median of per-pair ratios)%n", ma, mb, flops / (ma / 1000) / 1e9 / peak,
        flops / (mb / 1000) / 1e9 / peak, median(ratio));
    // CPU time of the whole process per step (all threads, spinning included): less moved by other processes
    // than wall time on a shared machine
    System.out.printf(Locale.ROOT, "cpu: a_cpu_ms=%.1f b_cpu_ms=%.1f ratio=%.3f%n", median(cpu[0]), median(cpu[1]),
        median(cpu[1]) / median(cpu[0]));
    return 0;
  }

  private double step(TrainingStep stepper, Settings s, int batch, int t, String setting, int i) {
    apply(setting);
    long t0 = System.nanoTime();
    stepper.run(Bench.randomBatch(batch, t, vocab, Seeds.derive(s.run().seed(), Seeds.TRAIN_BATCHES, i)),
        s.train().lr());
    return (System.nanoTime() - t0) / 1e6;
  }

  /** Applies {@code key=value,…}; unknown keys or values are an IllegalArgumentException naming them. */
  static void apply(String setting) {
    for (String kv : setting.split(",")) {
      String[] p = kv.trim().split("=", 2);
      if (p.length != 2) {
        throw new IllegalArgumentException("setting '" + kv + "': expected key=value");
      }
      switch (p[0]) {
        case "lnfusion" -> Kernels.setLayerNormFusion(switch (p[1]) {
          case "on" -> true;
          case "off" -> false;
          default -> throw new IllegalArgumentException("lnfusion=" + p[1] + ": expected on or off");
        });
        case "dboverlap" -> org.anisoscope.model.Linear.setOverlapBiasGrad(switch (p[1]) {
          case "on" -> true;
          case "off" -> false;
          default -> throw new IllegalArgumentException("dboverlap=" + p[1] + ": expected on or off");
        });
        default -> throw new IllegalArgumentException("setting key '" + p[0] + "': expected lnfusion or dboverlap");
      }
    }
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static double median(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String round(double[] x) {
    return Arrays.toString(Arrays.stream(x).map(v -> Math.round(v * 10) / 10.0).toArray());
  }
}
