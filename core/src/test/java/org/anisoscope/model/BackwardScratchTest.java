package org.anisoscope.model;

import org.anisoscope.data.Batch;
import org.anisoscope.objective.CausalLm;
import org.anisoscope.testing.DoublePrecision;
import org.anisoscope.train.Network;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.anisoscope.model.GradientCheck.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backward-only arrays are shared by all blocks ({@link ParamStore#scratch}; block dx alternates between two
 * arrays by parity) and the fused MLP keeps GELU(h) in place of h. Three blocks, so that one block's dx array is
 * reused two blocks further down: gradients against finite differences (double) and against the reference path
 * (float32, fused attention shapes, with and without dropout), the same bits on a repeated step, and scratch
 * memory that does not grow with the depth.
 */
class BackwardScratchTest {
  private final boolean was = Kernels.enabled();

  @AfterEach
  void restore() {
    Kernels.setEnabled(was);
  }

  private static Batch batch(int b, int t, int vocab, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] tokens = new int[b * t];
    int[] targets = new int[b * t];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = r.nextInt(vocab);
      targets[i] = r.nextInt(vocab);
    }
    return new Batch(b, t, tokens, targets);
  }

  private static Network model(ModelConfig cfg) {
    Network m = Network.ofTokens(cfg, CausalLm::new, 7);
    Nd4j.getRandom().setSeed(5); // non-trivial gains and biases
    INDArray noise = Nd4j.rand(DataType.DOUBLE, m.params().values().shape()).subi(0.5).muli(0.6);
    m.params().values().addi(noise.castTo(cfg.dtype()));
    return m;
  }

  @Test
  @ExtendWith(DoublePrecision.class)
  void threeBlocksMatchFiniteDifferences() {
    ModelConfig cfg = new ModelConfig(7, 3, 2, 8, 16, 4, 0.0, true, ModelConfig.Attention.SOFTMAX, true,
        DataType.DOUBLE);
    Network m = model(cfg);
    Batch b = batch(3, 4, 7, 1);
    m.forwardBackward(b);
    // a seeded sample of 400 entries (the full check took 25 s)
    check("3 blocks", m.params().values(), m.params().grads(), () -> m.forward(b, false).loss(), 400);
  }

  @ParameterizedTest(name = "dropout {0}")
  @CsvSource({"0.0", "0.2"})
  void fusedThreeBlocksMatchTheReferencePath(double dropout) {
    Assumptions.assumeTrue(Kernels.available(), "fused kernels unavailable in this JVM");
    ModelConfig cfg = new ModelConfig(17, 3, 2, 64, 4 * 64, 32, dropout, true, ModelConfig.Attention.SOFTMAX, true,
        DataType.FLOAT);
    Batch b = batch(3, 32, 17, 2);
    List<INDArray> ref = grads(cfg, b, false);
    List<INDArray> fused = grads(cfg, b, true);
    for (int i = 0; i < ref.size(); i++) {
      double scale = ref.get(i).amaxNumber().doubleValue();
      double diff = ref.get(i).castTo(DataType.DOUBLE).sub(fused.get(i).castTo(DataType.DOUBLE))
          .amaxNumber().doubleValue();
      assertTrue(scale > 0, "gradient " + i + " is zero");
      assertTrue(diff <= 5e-5 * scale, "gradient " + i + ": max |Δ| " + diff + " > 5e-5 × " + scale);
    }
  }

  private static List<INDArray> grads(ModelConfig cfg, Batch b, boolean fused) {
    Kernels.setEnabled(fused);
    Network m = model(cfg);
    Nd4j.getRandom().setSeed(99); // same dropout masks on both paths
    m.forwardBackward(b);
    List<INDArray> out = new ArrayList<>();
    m.params().params().forEach(p -> out.add(p.grad().dup()));
    return out;
  }

  /** Nothing a step leaves in the shared arrays leaks into the next: the same batch twice, the same bits. */
  @Test
  void aRepeatedStepGivesTheSameBits() {
    ModelConfig cfg = new ModelConfig(17, 3, 2, 64, 4 * 64, 32, 0.0, true, ModelConfig.Attention.SOFTMAX, true,
        DataType.FLOAT);
    Network m = model(cfg);
    Batch b = batch(2, 32, 17, 3);
    m.params().zeroGrads();
    double loss1 = m.forwardBackward(b).loss();
    float[] g1 = m.params().grads().toFloatVector();
    m.forwardBackward(batch(2, 32, 17, 4)); // a different batch in between
    m.params().zeroGrads();
    double loss2 = m.forwardBackward(b).loss();
    assertEquals(loss1, loss2, 0.0);
    assertArrayEquals(g1, m.params().grads().toFloatVector());
  }

  /** The backward scratch holds one block's worth (plus the second dx array), whatever the depth. */
  @Test
  void scratchDoesNotGrowWithDepth() {
    long two = scratchFloats(2);
    long six = scratchFloats(6);
    assertTrue(two > 0, "no scratch used");
    assertEquals(two, six, "scratch floats, 2 vs 6 blocks");
  }

  private static long scratchFloats(int layers) {
    ModelConfig cfg = new ModelConfig(17, layers, 2, 64, 4 * 64, 32, 0.0, true, ModelConfig.Attention.SOFTMAX, true,
        DataType.FLOAT);
    Network m = model(cfg);
    m.forwardBackward(batch(2, 32, 17, 5));
    return m.params().scratch().floats();
  }
}
