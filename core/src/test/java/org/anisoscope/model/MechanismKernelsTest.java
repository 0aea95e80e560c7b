package org.anisoscope.model;

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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float32 training paths of the mixer and the interventions (fused attention kernel with heads and context of
 * 32/64, the strided products, ragged shapes) give the loss, hooks and gradients of the ND4J reference path, which
 * {@link MechanismGradientTest} checks by finite differences.
 */
class MechanismKernelsTest {
  private boolean was;

  @BeforeEach
  void requireKernels() {
    Assumptions.assumeTrue(Kernels.available(), "fused kernels unavailable in this JVM");
    was = Kernels.enabled();
  }

  @AfterEach
  void restore() {
    Kernels.setEnabled(was);
  }

  private record Result(double loss, Map<String, INDArray> grads, Map<String, INDArray> hooks) {
  }

  private static Result run(ModelConfig cfg, Batch batch, boolean fused) {
    Kernels.setEnabled(fused);
    org.anisoscope.train.Network m = cfg.causal() ? org.anisoscope.train.Network.ofTokens(cfg, CausalLm::new, 11)
        : org.anisoscope.train.Network.ofTokens(cfg, MaskedLm::new, 11);
    Nd4j.getRandom().setSeed(5);
    INDArray noise = Nd4j.rand(DataType.DOUBLE, m.params().values().shape()).subi(0.5).muli(0.4);
    m.params().values().addi(noise.castTo(DataType.FLOAT));
    Nd4j.getRandom().setSeed(99);
    double loss = m.forwardBackward(batch).loss();
    Map<String, INDArray> grads = new LinkedHashMap<>();
    m.params().params().forEach(p -> grads.put(p.name(), p.grad().dup()));
    m.hidden(batch);  // inference pass: hook_q / hook_k are filled
    Map<String, INDArray> hooks = new LinkedHashMap<>();
    m.hooks(batch.size(), batch.seq()).forEach((k, v) -> hooks.put(k, v.dup()));
    return new Result(loss, grads, hooks);
  }

  @ParameterizedTest(name = "{0}, qk-norm {1}, temperature {2}, d_model {3}, context {4}, causal {5}")
  @CsvSource({"SOFTMAX, true, 1.0, 64, 32, true", "SOFTMAX, true, 0.5, 64, 64, false", "SOFTMAX, false, 2.0, 64, 32, true",
      "SOFTMAX, true, 1.0, 12, 13, true", "MIXER, false, 1.0, 64, 32, true", "MIXER, false, 1.0, 12, 13, false"})
  void fusedPathMatchesTheReferencePath(ModelConfig.Attention kind, boolean qkNorm, double temperature, int dModel,
      int context, boolean causal) {
    ModelConfig cfg = new ModelConfig(17, 2, 2, dModel, 2 * dModel, context, 0.0, causal, kind, true,
        DataType.FLOAT, qkNorm, temperature);
    SplittableRandom r = new SplittableRandom(3);
    int[] tokens = new int[3 * context];
    int[] targets = new int[3 * context];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = r.nextInt(17);
      targets[i] = r.nextInt(17);
    }
    Batch batch = new Batch(3, context, tokens, targets);
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

  private static void assertClose(INDArray a, INDArray b, double tol, String what) {
    double scale = a.amaxNumber().doubleValue();
    double diff = a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    assertTrue(diff <= tol * scale, what + ": max |Δ| " + diff + " > " + tol + " × " + scale);
  }
}
