package org.anisoscope.model;

import org.anisoscope.train.Network;
import org.anisoscope.data.Batch;
import org.anisoscope.objective.CausalLm;
import org.anisoscope.testing.DoublePrecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import static org.anisoscope.model.GradientCheck.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The whole tiny model (embeddings, blocks, final LayerNorm, LM head, cross-entropy) against finite differences. */
@ExtendWith(DoublePrecision.class)
class ModelGradientTest {
  /** Tokens with repeats, so the embedding's scatter-add of repeated ids is exercised. */
  static Batch batch() {
    int[] tokens = {1, 2, 3, 1, 1, 4, 0, 2, 2, 2, 5, 6};
    int[] targets = {2, 3, 1, 1, 4, 0, 2, 2, 2, 5, 6, 3};
    return new Batch(3, 4, tokens, targets);
  }

  private static void checkModel(ModelConfig cfg) {
    Network m = Network.ofTokens(cfg, CausalLm::new, 7);
    // Non-trivial gains and biases so every path carries gradient.
    m.params().values().addi(GradientCheck.random(3, m.params().values().shape()).muli(0.3));
    Batch b = batch();
    m.forwardBackward(b);
    check("model", m.params().values(), m.params().grads(), () -> m.forward(b, false).loss(), Integer.MAX_VALUE);
  }

  @Test
  void tiedCausalModelMatchesFiniteDifferences() {
    checkModel(ModelConfig.tiny(7, 4, true, DataType.DOUBLE));
  }

  @Test
  void untiedCausalModelMatchesFiniteDifferences() {
    ModelConfig t = ModelConfig.tiny(7, 4, true, DataType.DOUBLE);
    checkModel(new ModelConfig(t.vocab(), t.layers(), t.heads(), t.dModel(), t.dFf(), t.context(), 0.0, true,
        t.attention(), false, DataType.DOUBLE));
  }

  /** Masked-LM targets: a token at positions 0, 2, 4, 7, 8, 9; IGNORE elsewhere. */
  static Batch maskedBatch(int[] tokens) {
    int i = Batch.IGNORE;
    int[] targets = {3, i, 1, i, 0, i, i, 6, 2, 2, i, i};
    return new Batch(3, 4, tokens, targets);
  }

  /**
   * The encoder as configs/char-mlm.conf builds it: bidirectional attention ({@code model.causal = false}), the
   * masked-LM objective with its untied head and output bias, loss at the masked positions only.
   */
  @Test
  void bidirectionalMaskedLmModelMatchesFiniteDifferences() {
    ModelConfig t = ModelConfig.tiny(7, 4, false, DataType.DOUBLE);
    ModelConfig cfg = new ModelConfig(t.vocab(), t.layers(), t.heads(), t.dModel(), t.dFf(), t.context(), 0.0,
        false, t.attention(), false, DataType.DOUBLE);
    Network m = Network.ofTokens(cfg, org.anisoscope.objective.MaskedLm::new, 7);
    m.params().values().addi(GradientCheck.random(3, m.params().values().shape()).muli(0.3));
    int[] tokens = {1, 2, 3, 1, 1, 4, 0, 2, 2, 2, 5, 6};
    Batch b = maskedBatch(tokens);
    // Bidirectional indeed: the last tokens of sequences 0 and 2 (positions 3 and 11) carry no target, so changing
    // them can change the loss only through attention from earlier positions, which a causal model never has.
    double before = m.forward(b, false).loss();
    int[] changed = tokens.clone();
    changed[3] = 5;
    changed[11] = 0;
    assertNotEquals(before, m.forward(maskedBatch(changed), false).loss(), 1e-9,
        "later tokens must reach earlier positions in an encoder");
    m.forwardBackward(b);
    check("model", m.params().values(), m.params().grads(), () -> m.forward(b, false).loss(), Integer.MAX_VALUE);
  }

  @Test
  void attentionFreeControlMatchesFiniteDifferences() {
    ModelConfig t = ModelConfig.tiny(7, 4, true, DataType.DOUBLE);
    checkModel(new ModelConfig(t.vocab(), t.layers(), t.heads(), t.dModel(), t.dFf(), t.context(), 0.0, true,
        ModelConfig.Attention.NONE, true, DataType.DOUBLE));
  }

  @Test
  void initialLossIsNearLogVocab() {
    Network m = Network.ofTokens(ModelConfig.tiny(7, 4, true, DataType.DOUBLE), CausalLm::new, 1);
    assertEquals(Math.log(7), m.forward(batch(), false).loss(), 0.05);
  }
}
