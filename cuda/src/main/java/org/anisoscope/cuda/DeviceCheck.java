package org.anisoscope.cuda;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.anisoscope.device.Device;
import org.anisoscope.device.DeviceModel;
import org.anisoscope.device.DeviceShape;
import org.anisoscope.device.StepRecord;

/**
 * The model checks of experiments/gpu-check.sh, without ND4J (so they also run from its bundle):
 * <pre>
 *   DeviceCheck --replay STEPS_FILE [--tf32] [--cpu]   replays a {@link StepRecord} on the GPU (or, --cpu, on
 *                                                     CpuDevice): every loss against the CPU's, 1e-4 relative
 *   DeviceCheck --bench CONFIG [--tf32] [--steps N]    training steps of CONFIG's model shape on random tokens:
 *                                                     tokens/s and MFU against the GPU's FP32 / TF32 peak
 *   DeviceCheck --compare-probes CPU_CSV GPU_CSV TOL   cos_mean rows of two probes.csv files, |Δ| at most TOL
 *   DeviceCheck --mfu CONFIG TOKENS_PER_S GPU_NAME [--tf32]   the MFU of a throughput measured elsewhere (the
 *                                                     PyTorch peer) for CONFIG's shape
 * </pre>
 * Exit 0 when the check passed, 1 when it failed, 2 on bad arguments.
 */
public final class DeviceCheck {
  /** Relative loss agreement the replay requires with TF32 off (issue 20). */
  static final double LOSS_TOLERANCE = 1e-4;

  private DeviceCheck() {}

  public static void main(String[] args) throws Exception {
    List<String> a = List.of(args);
    boolean tf32 = a.contains("--tf32");
    boolean cpu = a.contains("--cpu");
    int code;
    try {
      code = run(a, tf32, cpu);
    } catch (IllegalStateException e) { // no driver, no GPU, a CUDA library missing: one line, exit 1
      System.out.println("DeviceCheck " + String.join(" ", args) + ": FAIL: " + e.getMessage());
      code = 1;
    }
    System.exit(code);
  }

  private static int run(List<String> a, boolean tf32, boolean cpu) throws Exception {
    int code;
    if (a.size() >= 2 && a.get(0).equals("--replay")) {
      code = replay(StepRecord.read(Path.of(a.get(1))), open(cpu, tf32), tf32) ? 0 : 1;
    } else if (a.size() >= 2 && a.get(0).equals("--bench")) {
      int steps = a.contains("--steps") ? Integer.parseInt(a.get(a.indexOf("--steps") + 1)) : 10;
      bench(Path.of(a.get(1)), open(cpu, tf32), steps);
      code = 0;
    } else if (a.size() >= 4 && a.get(0).equals("--mfu")) {
      DeviceShape s = shape(config(Path.of(a.get(1))));
      System.out.println("  " + mfu(s, Double.parseDouble(a.get(2)), a.get(3), tf32));
      code = 0;
    } else if (a.size() == 4 && a.get(0).equals("--compare-probes")) {
      code = compareProbes(Path.of(a.get(1)), Path.of(a.get(2)), Double.parseDouble(a.get(3))) ? 0 : 1;
    } else {
      System.err.println("usage: DeviceCheck --replay FILE [--tf32] [--cpu] | --bench CONFIG [--tf32] [--steps N] "
          + "[--cpu] | --compare-probes CPU_CSV GPU_CSV TOL");
      code = 2;
    }
    return code;
  }

  static Device open(boolean cpu, boolean tf32) throws ReflectiveOperationException {
    if (cpu) { // by name: this class must load without ND4J (the GPU bundle has none)
      return (Device) Class.forName("org.anisoscope.model.CpuDevice").getConstructor().newInstance();
    }
    try {
      return new CudaDevice(0, tf32);
    } catch (LinkageError | RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new IllegalStateException("cannot open the GPU (" + root.getMessage() + "): needs the NVIDIA driver and"
          + " CUDA's runtime, NVRTC and cuBLAS on the library path", e);
    }
  }

  /** Replays {@code r} on {@code device}; prints each step's losses; true when all agree (always with TF32). */
  static boolean replay(StepRecord r, Device device, boolean tf32) {
    String name = device.name();
    StepRecord.Replay replay = r.replay(device);
    double[] losses = replay.losses();
    boolean dropout = r.shape().dropout() > 0;
    double worst = 0;
    System.out.printf(Locale.ROOT, "replaying %d steps on %s (tf32=%s): loss per step, relative to %s%n",
        losses.length, name, tf32, dropout ? "cpu-device (dropout on: same masks)" : "the ND4J model");
    for (int i = 0; i < losses.length; i++) {
      StepRecord.Step st = r.steps().get(i);
      double ref = dropout ? st.cpuDeviceLoss() : st.nd4jLoss();
      double rel = Math.abs(losses[i] - ref) / Math.abs(ref);
      worst = Math.max(worst, rel);
      System.out.printf(Locale.ROOT, "step %2d  nd4j %.6f  cpu-device %.6f  %s %.6f  rel %.2e%n", i + 1,
          st.nd4jLoss(), st.cpuDeviceLoss(), name, losses[i], rel);
    }
    // which parameter's gradient differs most at step 1 (after clipping): points at the operation behind a mismatch
    String worstParam = "(every gradient equal)";
    double worstGrad = 0;
    for (Map.Entry<String, float[]> e : r.firstGradients().entrySet()) {
      float[] expected = e.getValue();
      float[] actual = replay.firstGradients().get(e.getKey());
      double scale = 0;
      double diff = 0;
      for (int i = 0; i < expected.length; i++) {
        scale = Math.max(scale, Math.abs(expected[i]));
        diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
      }
      double rel = scale == 0 ? diff : diff / scale;
      if (rel > worstGrad || Double.isNaN(rel)) {
        worstGrad = rel;
        worstParam = e.getKey();
      }
    }
    if (!r.firstGradients().isEmpty()) {
      System.out.printf(Locale.ROOT, "step 1 gradients (%d parameters) against the ND4J model's: largest max|Δ| / "
          + "max|g| %.2e, at %s%n", r.firstGradients().size(), worstGrad, worstParam);
    }
    boolean ok = worst <= LOSS_TOLERANCE;
    System.out.printf(Locale.ROOT, "loss agreement: max relative difference %.2e, tolerance %.0e: %s%n", worst,
        LOSS_TOLERANCE, ok ? "ok" : tf32 ? "above (TF32 on: informational)" : "FAIL");
    return ok || tf32;
  }

  /** The model shape of a config file (anisoscope.model.*, train.batch-size, data.text.vocab-size). */
  static DeviceShape shape(Config c) {
    Config m = c.getConfig("anisoscope.model");
    int d = m.getInt("d-model");
    int ff = m.getInt("d-ff") == 0 ? 4 * d : m.getInt("d-ff");
    return new DeviceShape(c.getInt("anisoscope.data.text.vocab-size"), m.getInt("layers"), m.getInt("heads"), d, ff,
        m.getInt("context"), m.getDouble("dropout"), true, m.getBoolean("tie-embeddings"), "lm_head", false, 1.0);
  }

  static Config config(Path file) {
    return ConfigFactory.parseFile(file.toFile()).withFallback(ConfigFactory.parseResources("reference.conf"))
        .resolve();
  }

  /** Times {@code steps} training steps (after 2 warm-up steps) of the config's shape on random tokens. */
  static void bench(Path configFile, Device device, int steps) {
    Config c = config(configFile);
    DeviceShape s = shape(c);
    int batch = c.getInt("anisoscope.train.batch-size");
    int seq = s.context();
    String name = device.name();
    boolean tf32 = device instanceof CudaDevice cd && cd.tf32();
    try (DeviceModel m = new DeviceModel(device, s)) {
      m.initialise(1);
      m.optimizer(true);
      SplittableRandom r = new SplittableRandom(7);
      int[] tokens = new int[batch * seq];
      int[] targets = new int[batch * seq];
      for (int i = 0; i < tokens.length; i++) {
        tokens[i] = r.nextInt(s.vocab());
        targets[i] = r.nextInt(s.vocab());
      }
      DeviceModel.Tokens b = new DeviceModel.Tokens(batch, seq, tokens, targets, null);
      double loss = 0;
      long t0 = 0;
      for (int i = 0; i < steps + 2; i++) {
        if (i == 2) {
          device.synchronize();
          t0 = System.nanoTime();
        }
        loss = m.forwardBackward(b, i).loss();
        m.clip(1.0);
        m.adamw(1e-4, 0.1, 0.9, 0.95, 1e-8);
      }
      device.synchronize();
      double seconds = (System.nanoTime() - t0) / 1e9;
      double tokensPerS = (double) steps * batch * seq / seconds;
      System.out.printf(Locale.ROOT, "bench %s on %s (tf32=%s): %d layers, %d heads, d %d, context %d, vocab %d, "
          + "%,d parameters, batch %d x %d%n", configFile.getFileName(), name, tf32, s.layers(), s.heads(),
          s.dModel(), s.context(), s.vocab(), s.parameterCount(), batch, seq);
      System.out.printf(Locale.ROOT, "  %d steps in %.2f s: %.0f ms/step, %,.0f tokens/s (6N + 12·L·d·T = %.3g "
          + "FLOP/token); last loss %.4f%n", steps, seconds, 1000 * seconds / steps, tokensPerS,
          s.flopsPerToken(seq), loss);
      System.out.println("  " + mfu(s, tokensPerS, name, tf32));
    }
  }

  /** "MFU x % of the FP32/TF32 peak (y TFLOP/s)" of {@code tokensPerS} on GPU {@code gpuName}. */
  static String mfu(DeviceShape s, double tokensPerS, String gpuName, boolean tf32) {
    double flops = s.flopsPerToken(s.context()) * tokensPerS;
    Peak peak = Peak.of(gpuName);
    if (peak == null) {
      return String.format(Locale.ROOT, "%.1f TFLOP/s model FLOPs; MFU n/a (no peak known for %s)", flops / 1e12,
          gpuName);
    }
    double p = (tf32 ? peak.tf32() : peak.fp32()) * 1e12;
    return String.format(Locale.ROOT, "%.1f TFLOP/s model FLOPs, MFU %.1f %% of the %s peak (%.1f TFLOP/s)",
        flops / 1e12, 100 * flops / p, tf32 ? "TF32" : "FP32", p / 1e12);
  }

  /** Dense peak throughput (TFLOP/s) of NVIDIA data-center GPUs from their data sheets (TF32 without sparsity). */
  record Peak(String match, double fp32, double tf32) {
    static final List<Peak> TABLE = List.of(new Peak("H200", 67, 494.7), new Peak("H100 PCIe", 51, 378),
        new Peak("H100", 67, 494.7), new Peak("A100", 19.5, 156), new Peak("L40S", 91.6, 183),
        new Peak("L4", 30.3, 60), new Peak("V100", 15.7, 15.7), new Peak("A10", 31.2, 62.5));

    static Peak of(String gpuName) {
      for (Peak p : TABLE) {
        if (gpuName.contains(p.match())) {
          return p;
        }
      }
      return null;
    }
  }

  /** cos_mean rows of two probes.csv files, matched by (step, hook, layer, head): the largest |Δ| against tol. */
  static boolean compareProbes(Path cpu, Path gpu, double tol) throws IOException {
    Map<String, Double> a = cosMean(cpu);
    Map<String, Double> b = cosMean(gpu);
    double worst = 0;
    String where = "";
    for (Map.Entry<String, Double> e : a.entrySet()) {
      Double other = b.get(e.getKey());
      if (other == null) {
        System.out.println("probe table: row " + e.getKey() + " missing from " + gpu + ": FAIL");
        return false;
      }
      double d = Math.abs(e.getValue() - other);
      if (d > worst || Double.isNaN(d)) {
        worst = d;
        where = e.getKey();
      }
    }
    boolean ok = a.size() == b.size() && !a.isEmpty() && worst <= tol;
    System.out.printf(Locale.ROOT, "probe table: %d cos_mean rows (%d on the GPU), max |Δ| %.4f at %s, tolerance "
        + "%.3f: %s%n", a.size(), b.size(), worst, where, tol, ok ? "ok" : "FAIL");
    return ok;
  }

  private static Map<String, Double> cosMean(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    List<String> header = List.of(lines.get(0).split(",", -1));
    int step = header.indexOf("step");
    int hook = header.indexOf("hook");
    int head = header.indexOf("head");
    int metric = header.indexOf("metric");
    int value = header.indexOf("value");
    Map<String, Double> out = new HashMap<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] c = l.split(",", -1);
      if (c[metric].equals("cos_mean")) {
        out.put("step " + c[step] + " " + c[hook] + (c[head].isEmpty() ? "" : " head " + c[head]),
            Double.parseDouble(c[value]));
      }
    }
    return out;
  }
}
