package org.anisoscope.model;

import org.anisoscope.train.Network;
import org.anisoscope.data.Batch;
import org.anisoscope.objective.CausalLm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import static org.anisoscope.model.GradientCheck.check;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The whole tiny model (embeddings, blocks, final LayerNorm, LM head, cross-entropy) against finite differences. */
class ModelGradientTest {
  @BeforeAll
  static void doublePrecision() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
  }

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
  void untiedBidirectionalModelMatchesFiniteDifferences() {
    ModelConfig t = ModelConfig.tiny(7, 4, false, DataType.DOUBLE);
    ModelConfig untied = new ModelConfig(t.vocab(), t.layers(), t.heads(), t.dModel(), t.dFf(), t.context(), 0.0,
        true, t.attention(), false, DataType.DOUBLE);
    checkModel(untied);
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
