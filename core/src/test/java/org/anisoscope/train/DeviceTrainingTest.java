package org.anisoscope.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.anisoscope.config.Settings;
import org.anisoscope.config.SettingsException;
import org.anisoscope.data.Batch;
import org.anisoscope.data.Masking;
import org.anisoscope.data.TokenWindows;
import org.anisoscope.device.DeviceModel;
import org.anisoscope.device.DeviceParam;
import org.anisoscope.device.Devices;
import org.anisoscope.files.BadInputException;
import org.anisoscope.model.CpuDevice;
import org.anisoscope.model.Kernels;
import org.anisoscope.model.Param;
import org.anisoscope.objective.Objectives;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The device path ({@code model.device = cpu-device}: {@link DeviceModel} on {@link CpuDevice}) against the ND4J
 * model, which the finite-difference checks pin: per-step losses of 20 steps, one batch's gradients, the probe's
 * hooks, and the whole training loop (train.csv, probes.csv, resume). Dropout, where the two paths draw different
 * masks, is pinned by a directional-derivative check of the device path itself.
 */
class DeviceTrainingTest {
  private static final int VOCAB = 11;

  @BeforeEach
  void needsKernels() {
    Assumptions.assumeTrue(Kernels.available(), "the CPU device needs the fused kernels (jdk.incubator.vector)");
  }

  /** d_head 32 and T 32: the ND4J side takes its fused attention kernels, the device side its strided products. */
  private static Settings settings(String objective, String... extra) {
    List<String> o = new ArrayList<>(List.of("model.layers=2", "model.heads=2", "model.d-model=64", "model.d-ff=96",
        "model.context=32", "train.batch-size=4", "train.lr=3e-3", "train.warmup-steps=3", "train.grad-clip=0.5",
        "objective.type=" + objective, "model.causal=" + objective.equals("causal-lm")));
    if (objective.equals("masked-lm")) {
      o.add("model.tie-embeddings=false"); // the untied head with its bias
    }
    o.addAll(List.of(extra));
    return Settings.load(null, o);
  }

  private static Network network(Settings s) {
    return Network.ofTokens(s.model().toConfig(VOCAB), Objectives.registry().create(s.objective()), s.run().seed());
  }

  /** Batch {@code step}: windows of a noisy counter; for masked-lm, BERT masking with id 0 as [MASK]. */
  private static Batch batch(Settings s, long step) {
    TokenWindows w = new TokenWindows(TinyRun.tokens(2000, 1), TinyRun.tokens(300, 2), s.model().context(),
        s.train().batchSize(), 2, s.run().seed());
    Batch b = w.train(step);
    if (s.objective().equals("masked-lm")) {
      return new Masking(0, VOCAB, Set.of(0)).apply(b, new SplittableRandom(step));
    }
    return b;
  }

  @ParameterizedTest
  @ValueSource(strings = {"causal-lm", "masked-lm"})
  void twentyStepsAgreeWithTheNd4jModelInEveryLoss(String objective) {
    Settings s = settings(objective);
    Network host = network(s);
    AdamW adam = AdamW.of(host.params(), s.train());
    TrainingStep hostStep = new TrainingStep(host, adam, s.train().gradClip());
    LrSchedule lr = new LrSchedule(s.train().lr(), s.train().minLr(), s.train().warmupSteps(), 20);
    int clipped = 0;
    try (DeviceTraining dev = new DeviceTraining(new CpuDevice(), network(s), s.train(), s.run().seed())) {
      for (int step = 0; step < 20; step++) {
        Batch b = batch(s, step);
        TrainingStep.Result h = hostStep.run(b, lr.at(step));
        TrainingStep.Result d = dev.step(b, lr.at(step), step);
        double rel = Math.abs(h.loss().loss() - d.loss().loss()) / Math.abs(h.loss().loss());
        assertTrue(rel <= 1e-4, objective + " step " + (step + 1) + ": loss " + h.loss().loss() + " (ND4J) vs "
            + d.loss().loss() + " (device), relative " + rel);
        assertEquals(h.gradNorm(), d.gradNorm(), 1e-3 * h.gradNorm(), "gradient norm at step " + (step + 1));
        assertEquals(h.loss().scalars().keySet(), d.loss().scalars().keySet());
        clipped += h.gradNorm() > s.train().gradClip() ? 1 : 0;
      }
      assertTrue(clipped > 0, "no step was clipped: clipping is not exercised");
      // the steps moved the weights (the comparison is not between two untouched copies)
      float[] init = network(s).params().get("wte").value().dup().data().asFloat();
      float[] now = dev.model().download("wte");
      double moved = 0;
      for (int i = 0; i < init.length; i++) {
        moved = Math.max(moved, Math.abs(init[i] - now[i]));
      }
      assertTrue(moved > 1e-2, "the weights barely moved: " + moved);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"causal-lm", "masked-lm"})
  void gradientsOfOneBatchMatchTheNd4jModel(String objective) {
    Settings s = settings(objective);
    Network host = network(s);
    Batch b = batch(s, 3);
    host.forwardBackward(b);
    try (DeviceTraining dev = new DeviceTraining(new CpuDevice(), network(s), s.train(), s.run().seed())) {
      dev.forwardBackward(b, 3);
      Map<String, float[]> grads = dev.gradients();
      assertEquals(host.params().params().size(), grads.size());
      assertEquals(host.params().count(), DeviceTraining.shape(host).parameterCount()); // the MFU's N
      for (Param p : host.params().params()) {
        float[] expected = p.grad().dup().data().asFloat();
        float[] actual = grads.get(p.name());
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < expected.length; i++) {
          scale = Math.max(scale, Math.abs(expected[i]));
          diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(diff <= 1e-4 * scale + 1e-9, objective + " " + p.name() + ": max |Δ| " + diff + " vs max |g| "
            + scale);
      }
    }
  }

  /** Key padding (the device's key mask against the ND4J model's −1e9 bias): the same loss and gradients. */
  @Test
  void paddedKeysGiveTheNd4jModelsLossAndGradients() {
    Settings s = settings("masked-lm");
    Batch clean = batch(s, 2);
    boolean[] padding = new boolean[clean.positions()];
    int[] targets = clean.targets().clone();
    for (int i = 0; i < padding.length; i++) {
      int t = i % clean.seq();
      padding[i] = i / clean.seq() == 1 ? t >= 20 : i / clean.seq() == 3 && t >= 5; // two sequences end early
      targets[i] = padding[i] ? Batch.IGNORE : targets[i];
    }
    Batch b = new Batch(clean.size(), clean.seq(), clean.tokens(), targets, null, null, padding, null, null);
    Network host = network(s);
    double hostLoss = host.forwardBackward(b).loss();
    try (DeviceTraining dev = new DeviceTraining(new CpuDevice(), network(s), s.train(), s.run().seed())) {
      double devLoss = dev.forwardBackward(b, 2).loss();
      assertEquals(hostLoss, devLoss, 1e-5 * hostLoss);
      Map<String, float[]> grads = dev.gradients();
      for (Param p : host.params().params()) {
        float[] expected = p.grad().dup().data().asFloat();
        float[] actual = grads.get(p.name());
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < expected.length; i++) {
          scale = Math.max(scale, Math.abs(expected[i]));
          diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(diff <= 1e-4 * scale + 1e-9, p.name() + ": max |Δ| " + diff + " vs max |g| " + scale);
      }
      // the mask acts: without it the loss differs
      Batch unpadded = new Batch(clean.size(), clean.seq(), clean.tokens(), targets);
      assertTrue(Math.abs(dev.forwardBackward(unpadded, 2).loss() - devLoss) > 1e-4);
    }
  }

  @Test
  void probeHooksMatchTheNd4jModel() {
    Settings s = settings("causal-lm");
    Network host = network(s);
    Batch b = new TokenWindows(TinyRun.tokens(2000, 1), TinyRun.tokens(300, 2), 32, 4, 2, 7).probeBatches(3, 3)
        .get(0);
    List<String> names = new ArrayList<>(host.hooks(1, 1).keySet()); // every hook name of the model
    host.hidden(b);
    Map<String, INDArray> expected = host.hooks(b.size(), b.seq());
    try (DeviceTraining dev = new DeviceTraining(new CpuDevice(), network(s), s.train(), s.run().seed())) {
      Map<String, INDArray> actual = dev.probeSource().hooks(b, names);
      assertEquals(names.size(), actual.size());
      for (String h : names) {
        INDArray e = expected.get(h);
        INDArray a = actual.get(h);
        assertEquals(java.util.Arrays.toString(e.shape()), java.util.Arrays.toString(a.shape()), h);
        double scale = e.amaxNumber().doubleValue();
        double diff = e.sub(a).amaxNumber().doubleValue();
        assertTrue(scale > 0 && diff <= 1e-5 * scale, h + ": max |Δ| " + diff + " vs " + scale);
      }
    }
  }

  /** The training loop on cpu-device writes what it writes on cpu: the same losses and probe values. */
  @Test
  void theTrainingLoopOnTheDeviceMatchesTheNd4jLoop(@TempDir Path dir) throws Exception {
    TinyRun.train(TinyRun.settings(), dir.resolve("cpu"), false, -1);
    TinyRun.train(TinyRun.settings("model.device=cpu-device"), dir.resolve("dev"), false, -1);
    for (String csv : List.of("train.csv", "eval.csv")) {
      List<String> a = TinyRun.column(dir.resolve("cpu").resolve(csv), "loss");
      List<String> b = TinyRun.column(dir.resolve("dev").resolve(csv), "loss");
      assertEquals(a.size(), b.size(), csv);
      for (int i = 0; i < a.size(); i++) {
        double x = Double.parseDouble(a.get(i));
        double y = Double.parseDouble(b.get(i));
        assertEquals(x, y, 1e-4 * Math.abs(x), csv + " row " + (i + 1));
      }
    }
    List<String> a = TinyRun.column(dir.resolve("cpu").resolve("probes.csv"), "value");
    List<String> b = TinyRun.column(dir.resolve("dev").resolve("probes.csv"), "value");
    List<String> metric = TinyRun.column(dir.resolve("cpu").resolve("probes.csv"), "metric");
    assertEquals(a.size(), b.size(), "probe rows");
    assertTrue(a.size() > 50, "too few probe rows: " + a.size());
    for (int i = 0; i < a.size(); i++) {
      if (metric.get(i).contains("_ci_")) {
        continue; // bootstrap bounds: order statistics of resamples, compared through cos_mean itself
      }
      double x = Double.parseDouble(a.get(i));
      double y = Double.parseDouble(b.get(i));
      assertEquals(x, y, 1e-3 * Math.abs(x) + 1e-5, "probes.csv row " + (i + 1) + " (" + metric.get(i) + ")");
    }
  }

  /** A device run stopped and resumed from its checkpoint continues exactly as the uninterrupted one. */
  @Test
  void aResumedDeviceRunContinuesExactly(@TempDir Path dir) throws Exception {
    Settings s = TinyRun.settings("model.device=cpu-device", "model.dropout=0.1");
    TinyRun.train(s, dir.resolve("whole"), false, -1);
    TinyRun.train(s, dir.resolve("cut"), false, 6);
    TinyRun.train(s, dir.resolve("cut"), true, -1);
    assertEquals(TinyRun.timeless(dir.resolve("whole").resolve("train.csv")),
        TinyRun.timeless(dir.resolve("cut").resolve("train.csv")));
  }

  /**
   * Dropout on the device path (its masks differ from ND4J's generator, so the comparisons above run without it):
   * for a random direction v, g·v equals the central difference of the loss with the same masks (float32, ε 1e-2).
   */
  @ParameterizedTest
  @ValueSource(strings = {"causal-lm", "masked-lm"})
  void dropoutGradientIsTheDirectionalDerivative(String objective) {
    Settings s = settings(objective, "model.dropout=0.2", "model.d-model=16", "model.heads=2", "model.d-ff=24",
        "model.context=8");
    Batch b = batch(s, 1);
    try (DeviceTraining dev = new DeviceTraining(new CpuDevice(), network(s), s.train(), s.run().seed())) {
      DeviceModel m = dev.model();
      DeviceModel.Tokens t = new DeviceModel.Tokens(b.size(), b.seq(), b.tokens(), b.targets(), b.padding());
      long seed = 12345;
      double base = m.forwardBackward(t, seed).loss();
      double noDrop = m.forward(t, false, 0).loss();
      assertTrue(Math.abs(base - noDrop) > 1e-3, "dropout changed nothing: " + base + " vs " + noDrop);
      SplittableRandom r = new SplittableRandom(5);
      Map<String, float[]> theta = new java.util.HashMap<>();
      Map<String, float[]> dir = new java.util.HashMap<>();
      double gv = 0;
      double norm = 0;
      for (DeviceParam p : m.params()) {
        float[] v = new float[Math.toIntExact(p.length())];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) r.nextGaussian();
          norm += (double) v[i] * v[i];
        }
        dir.put(p.name(), v);
      }
      for (DeviceParam p : m.params()) {  // a unit direction: the step ε·v stays small against the weights
        float[] g = m.gradient(p.name());
        float[] v = dir.get(p.name());
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (v[i] / Math.sqrt(norm));
          gv += (double) g[i] * v[i];
        }
        theta.put(p.name(), m.download(p.name()));
      }
      double eps = 1e-2;
      double[] losses = new double[2];
      for (int side = 0; side < 2; side++) {
        double sign = side == 0 ? 1 : -1;
        for (DeviceParam p : m.params()) {
          float[] x = theta.get(p.name()).clone();
          float[] v = dir.get(p.name());
          for (int i = 0; i < x.length; i++) {
            x[i] += (float) (sign * eps * v[i]);
          }
          m.upload(p.name(), x);
        }
        losses[side] = m.forward(t, true, seed).loss();
      }
      double fd = (losses[0] - losses[1]) / (2 * eps);
      assertTrue(Math.abs(gv) > 1e-3, "degenerate direction: g·v = " + gv);
      assertEquals(fd, gv, 2e-2 * Math.abs(gv), objective + ": directional derivative");
    }
  }

  @Test
  void unsupportedSettingsAreAConfigErrorNamingTheKey() {
    SettingsException e = assertThrows(SettingsException.class, () -> Settings.load(null,
        List.of("model.device=cuda", "objective.type=contrastive", "model.causal=false", "model.dropout=0.1")));
    assertTrue(e.getMessage().contains("anisoscope.model.device") && e.getMessage().contains("contrastive")
        && e.getMessage().contains("causal-lm | masked-lm"), e.getMessage());
    SettingsException qk = assertThrows(SettingsException.class, () -> Settings.load(null,
        List.of("model.device=cpu-device", "model.qk-norm=true")));
    assertTrue(qk.getMessage().contains("model.qk-norm = true"), qk.getMessage());
    SettingsException bad = assertThrows(SettingsException.class, () -> Settings.load(null,
        List.of("model.device=gpu")));
    assertTrue(bad.getMessage().contains("anisoscope.model.device"), bad.getMessage());
  }

  @Test
  void cudaWithoutTheCudaModuleIsAOneLineError() {
    // core's test class path has no anisoscope-cuda: no provider registers "cuda"
    BadInputException e = assertThrows(BadInputException.class, () -> Devices.check("cuda"));
    assertTrue(e.getMessage().startsWith("model.device = cuda: no cuda device on the class path")
        && e.getMessage().contains("-Pcuda") && !e.getMessage().contains("\n"), e.getMessage());
    Devices.check("cpu");
    Devices.check("cpu-device");
  }
}
