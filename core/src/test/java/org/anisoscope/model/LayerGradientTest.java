package org.anisoscope.model;

import org.anisoscope.testing.DoublePrecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.anisoscope.model.GradientCheck.check;
import static org.anisoscope.model.GradientCheck.project;
import static org.anisoscope.model.GradientCheck.random;

/** Finite-difference checks of every layer's backward pass, in double precision. */
@ExtendWith(DoublePrecision.class)
class LayerGradientTest {
  private static final int ALL = Integer.MAX_VALUE;

  private static ParamStore store() {
    return new ParamStore(DataType.DOUBLE);
  }

  /** Perturbs parameters to non-trivial values (init has zero biases and unit gains). */
  private static void randomise(ParamStore s, long seed) {
    s.values().assign(random(seed, s.values().shape()).muli(0.5));
  }

  @Test
  void linearMatchesFiniteDifferences() {
    ParamStore s = store();
    Linear lin = new Linear(s, "lin", 5, 4, true, 0.1);
    s.allocate(1);
    randomise(s, 2);
    INDArray x = random(3, 6, 5);
    INDArray r = random(4, 6, 4);
    s.zeroGrads();
    lin.forward(x);
    INDArray dx = lin.backward(x, r).dup();
    check("dx", x, dx, () -> project(lin.forward(x), r), ALL);
    check("dparams", s.values(), s.grads(), () -> project(lin.forward(x), r), ALL);
  }

  @Test
  void layerNormMatchesFiniteDifferences() {
    ParamStore s = store();
    LayerNorm ln = new LayerNorm(s, "ln", 6);
    s.allocate(1);
    randomise(s, 2);
    INDArray x = random(3, 4, 6).muli(3).addi(1);
    INDArray r = random(4, 4, 6);
    s.zeroGrads();
    ln.forward(x);
    INDArray dx = ln.backward(r).dup();
    check("dx", x, dx, () -> project(ln.forward(x), r), ALL);
    check("dparams", s.values(), s.grads(), () -> project(ln.forward(x), r), ALL);
  }

  /**
   * The residual add fused into the layer norm after it (forward) and the residual gradient fused into its backward
   * pass: for L = ⟨LN(x + a), r⟩ + ⟨x + a, q⟩, {@code backward(r, q, out)} is dL/dx (= dL/da) and the parameters'
   * gradients are LN's.
   */
  @Test
  void residualLayerNormMatchesFiniteDifferences() {
    ParamStore s = store();
    LayerNorm ln = new LayerNorm(s, "ln", 6);
    s.allocate(1);
    randomise(s, 2);
    INDArray x = random(3, 4, 6).muli(3).addi(1);
    INDArray a = random(5, 4, 6);
    INDArray r = random(4, 4, 6);
    INDArray q = random(6, 4, 6);
    INDArray sum = Nd4j.create(DataType.DOUBLE, 4, 6);
    java.util.function.DoubleSupplier loss = () -> project(ln.forward(x, a, sum), r) + project(sum, q);
    s.zeroGrads();
    ln.forward(x, a, sum);
    org.junit.jupiter.api.Assertions.assertEquals(0.0, sum.sub(x.add(a)).norm2Number().doubleValue(), 0.0,
        "the sum is written");
    INDArray out = Nd4j.create(DataType.DOUBLE, 4, 6);
    INDArray dx = ln.backward(r, q, out).dup();
    check("dx", x, dx, loss, ALL);
    check("da", a, dx, loss, ALL);
    check("dparams", s.values(), s.grads(), loss, ALL);
  }

  private static void checkAttention(boolean causal) {
    ParamStore s = store();
    int batch = 2;
    int seq = 4;
    SelfAttention attn = new SelfAttention(s, "attn", 6, 2, causal, 0.0, 0.5, 0.5);
    s.allocate(1);
    randomise(s, 2);
    INDArray x = random(3, batch * seq, 6);
    INDArray r = random(4, batch * seq, 6);
    s.zeroGrads();
    attn.forward(x, batch, seq, true);
    INDArray dx = attn.backward(x, r, batch, seq).dup();
    check("dx", x, dx, () -> project(attn.forward(x, batch, seq, false), r), ALL);
    check("dparams", s.values(), s.grads(), () -> project(attn.forward(x, batch, seq, false), r), ALL);
  }

  @Test
  void causalAttentionMatchesFiniteDifferences() {
    checkAttention(true);
  }

  @Test
  void bidirectionalAttentionMatchesFiniteDifferences() {
    checkAttention(false);
  }

  @Test
  void causalAttentionNeverLooksAhead() {
    ParamStore s = store();
    SelfAttention attn = new SelfAttention(s, "attn", 4, 2, true, 0.0, 0.5, 0.5);
    s.allocate(1);
    INDArray x = random(3, 5, 4);
    INDArray before = attn.forward(x, 1, 5, false).dup();
    x.putRow(4, random(9, 1, 4));  // change only the last position
    INDArray after = attn.forward(x, 1, 5, false);
    for (int t = 0; t < 4; t++) {
      org.junit.jupiter.api.Assertions.assertEquals(0.0,
          before.getRow(t).sub(after.getRow(t)).norm2Number().doubleValue(), 1e-12, "position " + t);
    }
  }

  @Test
  void geluMlpMatchesFiniteDifferences() {
    ParamStore s = store();
    Mlp mlp = new Mlp(s, "mlp", 4, 7, 0.5, 0.5);
    s.allocate(1);
    randomise(s, 2);
    INDArray x = random(3, 5, 4);
    INDArray r = random(4, 5, 4);
    s.zeroGrads();
    mlp.forward(x);
    INDArray dx = mlp.backward(x, r).dup();
    check("dx", x, dx, () -> project(mlp.forward(x), r), ALL);
    check("dparams", s.values(), s.grads(), () -> project(mlp.forward(x), r), ALL);
  }

  @Test
  void blockMatchesFiniteDifferences() {
    ParamStore s = store();
    ModelConfig cfg = ModelConfig.tiny(5, 4, true, DataType.DOUBLE);
    Block block = new Block(s, "b", cfg);
    s.allocate(1);
    randomise(s, 2);
    INDArray x = random(3, 2 * 4, cfg.dModel());
    INDArray r = random(4, 2 * 4, cfg.dModel());
    s.zeroGrads();
    block.forward(x, 2, 4, true);
    INDArray dx = block.backward(x, r, 2, 4).dup();
    check("dx", x, dx, () -> project(block.forward(x, 2, 4, false), r), ALL);
    check("dparams", s.values(), s.grads(), () -> project(block.forward(x, 2, 4, false), r), ALL);
  }
}
