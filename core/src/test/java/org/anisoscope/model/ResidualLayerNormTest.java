package org.anisoscope.model;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The fused residual layer norm that keeps row means instead of x̂ ({@link LayerNorm#forward(INDArray, INDArray, INDArray)},
 * {@link LayerNorm#backward(INDArray, INDArray, INDArray)}) gives bit for bit what the separate add and layer norm
 * give on the float32 kernels: seeded runs and resumed checkpoints depend on it. Rows of whole SIMD vectors and with
 * ragged tails, split across the threads.
 */
class ResidualLayerNormTest {
  private int minPart;

  @BeforeEach
  void requireKernels() {
    Assumptions.assumeTrue(Kernels.enabled(), "fused kernels unavailable in this JVM");
    minPart = Kernels.setMinPartElements(8);
  }

  @AfterEach
  void restore() {
    Kernels.setMinPartElements(minPart);
    Kernels.setLayerNormFusion(true);
    Linear.setOverlapBiasGrad(true);
  }

  private static INDArray rand(long seed, int n, int dim) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.randn(DataType.FLOAT, n, dim);
  }

  @ParameterizedTest(name = "rows {0}, dim {1}")
  @CsvSource({"7, 16", "9, 13", "33, 128"})
  void fusedEqualsTheSeparateSteps(int n, int dim) {
    ParamStore store = new ParamStore(DataType.FLOAT);
    LayerNorm fused = new LayerNorm(store, "a", dim);
    LayerNorm plain = new LayerNorm(store, "b", dim);
    store.allocate(1);
    INDArray g = rand(9, 1, dim).muli(0.3).addi(1);
    INDArray b = rand(10, 1, dim).muli(0.3);
    store.params().forEach(p -> p.value().assign(p.name().endsWith("gamma") ? g : b));
    INDArray x = rand(1, n, dim).muli(2).addi(0.5);
    INDArray a = rand(2, n, dim);
    INDArray sumFused = Nd4j.create(DataType.FLOAT, n, dim);
    INDArray yFused = fused.forward(x, a, sumFused).dup();
    Kernels.setLayerNormFusion(false); // the separate add, and the layer norm that keeps x̂
    INDArray sumPlain = Nd4j.create(DataType.FLOAT, n, dim);
    Kernels.add(x, a, sumPlain);
    INDArray yPlain = plain.forward(sumPlain).dup();
    Kernels.setLayerNormFusion(true);
    assertArrayEquals(sumPlain.data().asFloat(), sumFused.data().asFloat(), "sum");
    assertArrayEquals(yPlain.data().asFloat(), yFused.data().asFloat(), "y");

    INDArray dy = rand(3, n, dim);
    INDArray resid = rand(4, n, dim);
    store.zeroGrads();
    INDArray outFused = Nd4j.create(DataType.FLOAT, n, dim);
    fused.backward(dy, resid, outFused);
    INDArray outPlain = Nd4j.create(DataType.FLOAT, n, dim);
    Kernels.add(resid, plain.backward(dy), outPlain); // follows its forward pass: x̂ kept
    assertArrayEquals(outPlain.data().asFloat(), outFused.data().asFloat(), "dx");
    assertNotEquals(0.0, outFused.sub(resid).norm2Number().doubleValue(), "the layer norm's dx is added");
    java.util.Map<String, INDArray> grad = new java.util.HashMap<>();
    store.params().forEach(p -> grad.put(p.name(), p.grad()));
    for (String p : new String[] {"gamma", "beta"}) {
      assertArrayEquals(grad.get("b." + p).toFloatVector(), grad.get("a." + p).toFloatVector(), "d" + p);
      assertNotEquals(0.0, grad.get("a." + p).norm2Number().doubleValue(), "d" + p + " accumulated");
    }
  }

  /**
   * A whole training step (forward, loss, backward of a three-block model whose residual adds run fused across the
   * blocks, the linear layers' bias gradients on the dx product's thread) with these on and off: the same loss,
   * hooks and gradients, bit for bit.
   */
  @ParameterizedTest(name = "d_model {0}, context {1}")
  @CsvSource({"16, 8", "12, 13"})
  void aTrainingStepIsTheSameBitsWithAndWithoutTheFusion(int dModel, int context) {
    ModelConfig cfg = new ModelConfig(11, 3, 2, dModel, 3 * dModel, context, 0.0, true,
        ModelConfig.Attention.SOFTMAX, true, DataType.FLOAT);
    java.util.SplittableRandom r = new java.util.SplittableRandom(4);
    int[] tok = new int[3 * context];
    int[] tg = new int[tok.length];
    for (int i = 0; i < tok.length; i++) {
      tok[i] = r.nextInt(11);
      tg[i] = r.nextInt(11);
    }
    org.anisoscope.data.Batch batch = new org.anisoscope.data.Batch(3, context, tok, tg);
    java.util.List<float[]> on = step(cfg, batch, true);
    java.util.List<float[]> off = step(cfg, batch, false);
    assertEquals(on.size(), off.size());
    for (int i = 0; i < on.size(); i++) {
      assertArrayEquals(off.get(i), on.get(i), "array " + i + " (loss, hooks, gradients)");
    }
  }

  private static java.util.List<float[]> step(ModelConfig cfg, org.anisoscope.data.Batch batch, boolean fusion) {
    Kernels.setLayerNormFusion(fusion);
    Linear.setOverlapBiasGrad(fusion);
    org.anisoscope.train.Network m = org.anisoscope.train.Network.ofTokens(cfg,
        org.anisoscope.objective.CausalLm::new, 7);
    Nd4j.getRandom().setSeed(5); // non-trivial gains and biases
    m.params().values().addi(Nd4j.rand(DataType.FLOAT, m.params().values().shape()).subi(0.5f).muli(0.4f));
    java.util.List<float[]> out = new java.util.ArrayList<>();
    out.add(new float[] {(float) m.forwardBackward(batch).loss()});
    m.hooks(batch.size(), batch.seq()).values().forEach(h -> out.add(h.dup().data().asFloat()));
    out.add(m.params().grads().dup().data().asFloat());
    return out;
  }
}
