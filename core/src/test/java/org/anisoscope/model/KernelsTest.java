package org.anisoscope.model;

import org.anisoscope.train.Network;
import org.anisoscope.data.Batch;
import org.anisoscope.objective.CausalLm;
import org.anisoscope.objective.MaskedLm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused float32 kernels (softmax, GELU, layer norm, head copies) give the same loss, hooks and gradients as the
 * ND4J reference path, which the double-precision gradient checks cover. Shapes with whole SIMD vectors per row and
 * with ragged tails (d_model 12, context 13), causal and bidirectional, with and without dropout; heads of 32 and 64
 * columns with contexts of 32 and 64 take the attention's own per-head products ({@link AttentionKernels}).
 */
class KernelsTest {
  private boolean was;
  private int minPart;
  private long splitWork;

  @BeforeEach
  void requireKernels() {
    Assumptions.assumeTrue(Kernels.available(),
        "fused kernels unavailable in this JVM (needs the CPU backend and --add-modules jdk.incubator.vector)");
    was = Kernels.enabled();
    // Split even these small arrays across the threads, so the per-part code paths (and partial sums) run.
    minPart = Kernels.setMinPartElements(8);
    splitWork = Blas.setSplitWork(1);
  }

  @AfterEach
  void restore() {
    Kernels.setEnabled(was);
    Kernels.setMinPartElements(minPart);
    Blas.setSplitWork(splitWork);
  }

  private record Result(double loss, Map<String, INDArray> grads, Map<String, INDArray> hooks) {
  }

  private static Result run(ModelConfig cfg, Batch batch, boolean fused) {
    Kernels.setEnabled(fused);
    Network m = cfg.causal() ? Network.ofTokens(cfg, CausalLm::new, 11) : Network.ofTokens(cfg, MaskedLm::new, 11);
    // Non-trivial gains and biases, so the layer-norm and bias paths carry signal.
    Nd4j.getRandom().setSeed(5);
    INDArray noise = Nd4j.rand(DataType.DOUBLE, m.params().values().shape()).subi(0.5).muli(0.4);
    m.params().values().addi(noise.castTo(DataType.FLOAT));
    Nd4j.getRandom().setSeed(99); // same dropout masks in both runs
    double loss = m.forwardBackward(batch).loss();
    Map<String, INDArray> hooks = new LinkedHashMap<>();
    m.hooks(batch.size(), batch.seq()).forEach((k, v) -> hooks.put(k, v.dup()));
    Map<String, INDArray> grads = new LinkedHashMap<>();
    m.params().params().forEach(p -> grads.put(p.name(), p.grad().dup()));
    return new Result(loss, grads, hooks);
  }

  private static Batch randomBatch(int b, int t, int vocab) {
    SplittableRandom r = new SplittableRandom(3);
    int[] tokens = new int[b * t];
    int[] targets = new int[b * t];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = r.nextInt(vocab);
      targets[i] = r.nextInt(vocab);
    }
    return new Batch(b, t, tokens, targets);
  }

  @ParameterizedTest(name = "d_model {0}, context {1}, causal {2}, dropout {3}")
  @CsvSource({"16, 16, true, 0.0", "16, 16, false, 0.0", "12, 13, true, 0.0", "12, 13, false, 0.0",
      "16, 16, true, 0.2", "64, 64, true, 0.0", "64, 64, false, 0.0", "64, 32, true, 0.2", "128, 32, true, 0.0"})
  void fusedKernelsMatchTheReferencePath(int dModel, int context, boolean causal, double dropout) {
    ModelConfig cfg = new ModelConfig(17, 2, 2, dModel, 4 * dModel + 3, context, dropout, causal,
        ModelConfig.Attention.SOFTMAX, true, DataType.FLOAT);
    Batch batch = randomBatch(3, context, 17);
    Result ref = run(cfg, batch, false);
    Result fused = run(cfg, batch, true);

    assertEquals(ref.loss(), fused.loss(), 1e-5 * Math.abs(ref.loss()), "loss");
    for (String hook : ref.hooks().keySet()) {
      assertClose(ref.hooks().get(hook), fused.hooks().get(hook), 2e-5, hook);
    }
    for (String param : ref.grads().keySet()) {
      INDArray g = ref.grads().get(param);
      assertTrue(g.amaxNumber().doubleValue() > 0, param + ": gradient is zero");
      assertClose(g, fused.grads().get(param), 5e-5, "gradient of " + param);
    }
  }

  /** An inference pass (the probe's view: hook_q / hook_k are head copies) gives the same hooks on both paths. */
  @ParameterizedTest(name = "d_model {0}, context {1}, causal {2}")
  @CsvSource({"64, 64, true", "64, 32, false", "12, 13, true"})
  void inferenceHooksMatchTheReferencePath(int dModel, int context, boolean causal) {
    ModelConfig cfg = new ModelConfig(17, 2, 2, dModel, 4 * dModel + 3, context, 0.0, causal,
        ModelConfig.Attention.SOFTMAX, true, DataType.FLOAT);
    Batch batch = randomBatch(3, context, 17);
    Map<String, INDArray> ref = inferenceHooks(cfg, batch, false);
    Map<String, INDArray> fused = inferenceHooks(cfg, batch, true);
    assertTrue(ref.keySet().stream().anyMatch(h -> h.endsWith("hook_q")), "hook_q present: " + ref.keySet());
    for (String hook : ref.keySet()) {
      assertTrue(ref.get(hook).amaxNumber().doubleValue() > 0, hook + " is zero");
      assertClose(ref.get(hook), fused.get(hook), 2e-5, hook);
    }
  }

  private static Map<String, INDArray> inferenceHooks(ModelConfig cfg, Batch batch, boolean fused) {
    Kernels.setEnabled(fused);
    Network m = cfg.causal() ? Network.ofTokens(cfg, CausalLm::new, 11) : Network.ofTokens(cfg, MaskedLm::new, 11);
    Nd4j.getRandom().setSeed(5);
    INDArray noise = Nd4j.rand(DataType.DOUBLE, m.params().values().shape()).subi(0.5).muli(0.4);
    m.params().values().addi(noise.castTo(DataType.FLOAT));
    m.hidden(batch);
    Map<String, INDArray> hooks = new LinkedHashMap<>();
    m.hooks(batch.size(), batch.seq()).forEach((k, v) -> hooks.put(k, v.dup()));
    return hooks;
  }

  /**
   * Bit-for-bit the same result on every repetition, while the JIT compiles the kernels under way (interpreted and
   * compiled vector code must round alike; the seeded-run and resume tests rely on it).
   */
  @org.junit.jupiter.api.Test
  void fusedKernelsAreBitwiseReproducibleAcrossJitCompilation() {
    ModelConfig cfg = new ModelConfig(17, 1, 2, 16, 67, 16, 0.0, true, ModelConfig.Attention.SOFTMAX, true,
        DataType.FLOAT);
    Batch batch = randomBatch(8, 16, 17);
    Result first = run(cfg, batch, true);
    for (int i = 0; i < 100; i++) {
      Result again = run(cfg, batch, true);
      assertEquals(first.loss(), again.loss(), 0.0, "loss, repetition " + i);
      for (String param : first.grads().keySet()) {
        assertEquals(first.grads().get(param), again.grads().get(param), "gradient of " + param + ", repetition " + i);
      }
    }
  }

  /** Closed form: n elements all equal to 3 have norm 3√n; lengths around the vector width and the chunk size. */
  @ParameterizedTest(name = "n {0}")
  @CsvSource({"2", "7", "8", "9", "4095", "4096", "4097", "50001"})
  void norm2MatchesTheClosedFormAndNd4j(int n) {
    INDArray threes = Nd4j.valueArrayOf(new long[] {1, n}, 3.0f);
    assertTrue(Kernels.fused(threes), "takes the fused kernel");
    assertEquals(3 * Math.sqrt(n), Kernels.norm2(threes), 1e-6 * 3 * Math.sqrt(n));
    Nd4j.getRandom().setSeed(n);
    INDArray x = Nd4j.randn(DataType.FLOAT, 1, n);
    double nd4j = x.castTo(DataType.DOUBLE).norm2Number().doubleValue();
    assertEquals(nd4j, Kernels.norm2(x), 1e-6 * nd4j);
  }

  /** A NaN or ±∞ anywhere (inside a vector block, in the ragged tail, in a later chunk) is found; finite is not. */
  @ParameterizedTest(name = "n {0}")
  @CsvSource({"2", "9", "4097", "50001"})
  void allFiniteFindsEveryNonFiniteValue(int n) {
    INDArray x = Nd4j.randn(DataType.FLOAT, 1, n).muli(1e30);
    assertTrue(Kernels.fused(x), "takes the fused kernel");
    assertTrue(Kernels.allFinite(x), "finite values");
    for (int at : new int[] {0, n / 2, n - 1}) {
      for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
        INDArray y = x.dup();
        y.putScalar(0, at, bad);
        assertFalse(Kernels.allFinite(y), bad + " at " + at + " of " + n);
      }
    }
  }

  /** max |a − b| ≤ tol · max |a| (float32 rounding differs between the paths, nothing else may). */
  private static void assertClose(INDArray a, INDArray b, double tol, String what) {
    double scale = a.amaxNumber().doubleValue();
    double diff = a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    if (Boolean.getBoolean("kernels.verbose")) {
      System.out.printf("%-40s rel %.2e%n", what, diff / scale);
    }
    assertTrue(diff <= tol * scale, what + ": max |Δ| " + diff + " > " + tol + " × " + scale);
  }
}
