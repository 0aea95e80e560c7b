package org.anisoscope.model;

import org.anisoscope.data.Batch;
import org.anisoscope.objective.CausalLm;
import org.anisoscope.testing.DoublePrecision;
import org.anisoscope.train.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

import static org.anisoscope.model.GradientCheck.check;
import static org.anisoscope.model.GradientCheck.project;
import static org.anisoscope.model.GradientCheck.random;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dropout's backward pass at each of its four sites (embedding output, attention probabilities, attention output,
 * MLP output) against finite differences in double precision. The masks come from ND4J's global generator, so it is
 * reseeded before every forward pass: the analytic pass and each perturbed loss see the same masks, and the loss is
 * a smooth function of the parameters.
 */
@ExtendWith(DoublePrecision.class)
class DropoutGradientTest {
  private static final int ALL = Integer.MAX_VALUE;
  private static final long MASK_SEED = 42;
  private static final double P = 0.3;

  /** A training-mode forward pass with the masks fixed. */
  private static double masked(DoubleSupplier loss) {
    Nd4j.getRandom().setSeed(MASK_SEED);
    return loss.getAsDouble();
  }

  /** The masks really drop something: the training output differs from the inference output. */
  private static void assertDrops(Supplier<INDArray> training, Supplier<INDArray> inference) {
    Nd4j.getRandom().setSeed(MASK_SEED);
    INDArray t = training.get().dup();
    INDArray i = inference.get().dup();
    double diff = t.sub(i).norm2Number().doubleValue();
    assertTrue(diff > 1e-3 * i.norm2Number().doubleValue(), "dropout changed nothing: |Δ| " + diff);
  }

  private static ParamStore allocated(ParamStore s) {
    s.allocate(1);
    s.values().assign(random(2, s.values().shape()).muli(0.5));
    return s;
  }

  private static ModelConfig config(ModelConfig.Attention attention) {
    ModelConfig t = ModelConfig.tiny(7, 4, true, DataType.DOUBLE);
    return new ModelConfig(t.vocab(), t.layers(), t.heads(), t.dModel(), t.dFf(), t.context(), P, true, attention,
        true, DataType.DOUBLE);
  }

  @Test
  void embeddingDropoutMatchesFiniteDifferences() {
    ParamStore s = new ParamStore(DataType.DOUBLE);
    TokenEmbedding emb = new TokenEmbedding(s, config(ModelConfig.Attention.SOFTMAX));
    allocated(s);
    Batch b = ModelGradientTest.batch();
    INDArray r = random(4, b.positions(), 8);
    assertDrops(() -> emb.forward(b, true), () -> emb.forward(b, false));
    s.zeroGrads();
    Nd4j.getRandom().setSeed(MASK_SEED);
    emb.forward(b, true);
    emb.backward(b, r.dup());
    check("emb_drop dparams", s.values(), s.grads(), () -> masked(() -> project(emb.forward(b, true), r)), ALL);
  }

  @Test
  void attentionProbabilityDropoutMatchesFiniteDifferences() {
    for (boolean causal : new boolean[] {true, false}) {
      ParamStore s = new ParamStore(DataType.DOUBLE);
      SelfAttention attn = new SelfAttention(s, "attn", 6, 2, causal, P, 0.5, 0.5);
      allocated(s);
      INDArray x = random(3, 2 * 4, 6);
      INDArray r = random(4, 2 * 4, 6);
      assertDrops(() -> attn.forward(x, 2, 4, true), () -> attn.forward(x, 2, 4, false));
      s.zeroGrads();
      Nd4j.getRandom().setSeed(MASK_SEED);
      attn.forward(x, 2, 4, true);
      INDArray dx = attn.backward(x, r.dup(), 2, 4).dup();
      DoubleSupplier loss = () -> masked(() -> project(attn.forward(x, 2, 4, true), r));
      check("attn_drop dx, causal " + causal, x, dx, loss, ALL);
      check("attn_drop dparams, causal " + causal, s.values(), s.grads(), loss, ALL);
    }
  }

  private static void checkBlock(ModelConfig cfg, String what) {
    ParamStore s = new ParamStore(DataType.DOUBLE);
    Block block = new Block(s, "b", cfg);
    allocated(s);
    INDArray x = random(3, 2 * 4, cfg.dModel());
    INDArray r = random(4, 2 * 4, cfg.dModel());
    assertDrops(() -> block.forward(x, 2, 4, true), () -> block.forward(x, 2, 4, false));
    s.zeroGrads();
    Nd4j.getRandom().setSeed(MASK_SEED);
    block.forward(x, 2, 4, true);
    INDArray dx = block.backward(x, r.dup(), 2, 4).dup();
    DoubleSupplier loss = () -> masked(() -> project(block.forward(x, 2, 4, true), r));
    check(what + " dx", x, dx, loss, ALL);
    check(what + " dparams", s.values(), s.grads(), loss, ALL);
  }

  /** With attention = none the MLP output is the block's only dropout site. */
  @Test
  void mlpOutputDropoutMatchesFiniteDifferences() {
    checkBlock(config(ModelConfig.Attention.NONE), "mlp_out_drop");
  }

  /** attn_drop and mlp_out_drop are checked alone above, so a failure here is the attention-output site. */
  @Test
  void attentionOutputDropoutMatchesFiniteDifferences() {
    checkBlock(config(ModelConfig.Attention.SOFTMAX), "attn_out_drop (+ attn_drop, mlp_out_drop)");
  }

  /** All four sites in the whole model, as training runs them (contrastive-text.conf trains with dropout 0.1). */
  @Test
  void wholeModelWithDropoutMatchesFiniteDifferences() {
    Network m = Network.ofTokens(config(ModelConfig.Attention.SOFTMAX), CausalLm::new, 7);
    m.params().values().addi(random(3, m.params().values().shape()).muli(0.3));
    Batch b = ModelGradientTest.batch();
    Nd4j.getRandom().setSeed(MASK_SEED);
    double train = m.forward(b, true).loss();
    assertTrue(Math.abs(train - m.forward(b, false).loss()) > 1e-4, "dropout changed nothing");
    Nd4j.getRandom().setSeed(MASK_SEED);
    m.forwardBackward(b);
    // 600 seeded entries of the 1,304 (the other tests of this class check every entry of each site)
    check("model dparams", m.params().values(), m.params().grads(), () -> masked(() -> m.forward(b, true).loss()),
        600);
  }
}
