package org.anisoscope.objective;

import org.anisoscope.data.Batch;
import org.anisoscope.data.Masking;
import org.anisoscope.model.GradientCheck;
import org.anisoscope.train.Network;
import org.anisoscope.model.ModelConfig;
import org.anisoscope.model.ParamStore;
import org.anisoscope.testing.DoublePrecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Set;
import java.util.SplittableRandom;

import static org.anisoscope.model.GradientCheck.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Masked-LM head (projection + output bias) and cross-entropy at masked positions, alone and in the model. */
@ExtendWith(DoublePrecision.class)
class MaskedLmTest {
  private static final int ALL = Integer.MAX_VALUE;

  private static ModelConfig untied(int vocab, int dModel, boolean causal) {
    return new ModelConfig(vocab, 1, 1, dModel, 4, 3, 0.0, causal, ModelConfig.Attention.SOFTMAX, false,
        DataType.DOUBLE);
  }

  private static MaskedLm untiedHead(ParamStore s) {
    MaskedLm lm = new MaskedLm(s, untied(5, 4, false), null);
    s.allocate(3);
    s.values().assign(GradientCheck.random(4, s.values().shape()));  // non-zero output bias too
    return lm;
  }

  @Test
  void headAndCrossEntropyMatchFiniteDifferences() {
    ParamStore s = new ParamStore(DataType.DOUBLE);
    MaskedLm lm = untiedHead(s);
    INDArray h = GradientCheck.random(5, 6, 4);
    Batch b = new Batch(2, 3, null, new int[] {Batch.IGNORE, 4, Batch.IGNORE, 2, Batch.IGNORE, 1});
    s.zeroGrads();
    lm.forward(h, b);
    INDArray dh = lm.backward(h, b).dup();
    check("dh", h, dh, () -> lm.forward(h, b).loss(), ALL);
    check("dW,db", s.values(), s.grads(), () -> lm.forward(h, b).loss(), ALL);
  }

  @Test
  void ignoredPositionsGetNoGradient() {
    ParamStore s = new ParamStore(DataType.DOUBLE);
    MaskedLm lm = untiedHead(s);
    INDArray h = GradientCheck.random(5, 3, 4);
    Batch b = new Batch(1, 3, null, new int[] {Batch.IGNORE, 4, Batch.IGNORE});
    lm.forward(h, b);
    INDArray dh = lm.backward(h, b);
    assertEquals(0.0, dh.getRow(0).norm2Number().doubleValue(), 0.0);
    assertEquals(0.0, dh.getRow(2).norm2Number().doubleValue(), 0.0);
    assertTrue(dh.getRow(1).norm2Number().doubleValue() > 0);
  }

  @Test
  void lossIsTheMeanOverMaskedPositionsOnly() {
    ParamStore s = new ParamStore(DataType.DOUBLE);
    MaskedLm lm = untiedHead(s);
    INDArray h = GradientCheck.random(6, 4, 4);
    double all = lm.forward(h, new Batch(1, 4, null, new int[] {Batch.IGNORE, 3, Batch.IGNORE, 0})).loss();
    // logits z = h W + b by hand, loss = mean over rows 1 and 3 of logsumexp(z) − z[t]
    INDArray z = h.mmul(s.get("mlm_head.W").value()).addRowVector(s.get("mlm_head.b").value());
    double expected = 0.5 * (lse(z.getRow(1).toDoubleVector()) - z.getDouble(1, 3)
        + lse(z.getRow(3).toDoubleVector()) - z.getDouble(3, 0));
    assertEquals(expected, all, 1e-12);
  }

  private static double lse(double[] v) {
    double sum = 0;
    for (double x : v) {
      sum += Math.exp(x);
    }
    return Math.log(sum);
  }

  @Test
  void maskedAccuracyCountsMaskedPositionsOnly() {
    ParamStore s = new ParamStore(DataType.DOUBLE);
    MaskedLm lm = untiedHead(s);
    s.get("mlm_head.W").value().muli(1e-3);
    s.get("mlm_head.b").value().assign(0.0).putScalar(0, 2, 100.0);  // every position predicts id 2
    INDArray h = GradientCheck.random(7, 5, 4);
    Batch b = new Batch(1, 5, null, new int[] {2, Batch.IGNORE, 3, 2, Batch.IGNORE});
    LossResult r = lm.forward(h, b);
    assertEquals(2.0 / 3.0, r.scalars().get(MaskedLm.MASKED_ACC), 1e-15);
    assertEquals(3.0, r.weight());
    assertEquals(java.util.List.of(MaskedLm.MASKED_ACC), lm.scalarNames());
  }

  @Test
  void refusesACausalModel() {
    ParamStore s = new ParamStore(DataType.DOUBLE);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new MaskedLm(s, untied(5, 4, true), null));
    assertTrue(e.getMessage().contains("model.causal = false"), e.getMessage());
  }

  @Test
  void isRegisteredByName() {
    assertTrue(Objectives.registry().contains(MaskedLm.NAME));
  }

  /** Tokens with repeats (the embedding's scatter-add), masked with ids 0 = [MASK]; targets with IGNORE. */
  private static Batch maskedBatch() {
    int[] tokens = {0, 2, 3, 1, 1, 4, 0, 2, 2, 0, 5, 6};
    int[] targets = {2, Batch.IGNORE, Batch.IGNORE, 1, Batch.IGNORE, 3, 6, Batch.IGNORE, Batch.IGNORE, 4,
        Batch.IGNORE, Batch.IGNORE};
    return new Batch(3, 4, tokens, targets);
  }

  private static void checkModel(ModelConfig cfg, int entries) {
    Network m = Network.ofTokens(cfg, MaskedLm::new, 7);
    m.params().values().addi(GradientCheck.random(3, m.params().values().shape()).muli(0.3));
    Batch b = maskedBatch();
    m.forwardBackward(b);
    check("model", m.params().values(), m.params().grads(), () -> m.forward(b, false).loss(), entries);
  }

  @Test
  void tiedEncoderModelMatchesFiniteDifferences() {
    checkModel(ModelConfig.tiny(7, 4, false, DataType.DOUBLE), ALL);
  }

  /** A seeded sample of entries: the blocks are the tied model's, checked in full above (2 shared cores). */
  @Test
  void untiedEncoderModelMatchesFiniteDifferences() {
    ModelConfig t = ModelConfig.tiny(7, 4, false, DataType.DOUBLE);
    checkModel(new ModelConfig(t.vocab(), t.layers(), t.heads(), t.dModel(), t.dFf(), t.context(), 0.0, false,
        t.attention(), false, DataType.DOUBLE), 400);
  }

  @Test
  void trainsAFloatModelStepWithFiniteGradients() {
    Network m = Network.ofTokens(ModelConfig.tiny(7, 4, false, DataType.FLOAT).withDropout(0.1), MaskedLm::new, 1);
    LossResult r = m.forwardBackward(maskedBatch());
    assertTrue(Double.isFinite(r.loss()) && r.loss() > 0, "loss " + r.loss());
    double norm = m.params().grads().norm2Number().doubleValue();
    assertTrue(Double.isFinite(norm) && norm > 0, "grad norm " + norm);
  }

  @Test
  void initialLossOfAMaskingBatchIsNearLogVocab() {
    Network m = Network.ofTokens(ModelConfig.tiny(7, 4, false, DataType.DOUBLE), MaskedLm::new, 1);
    Masking masking = new Masking(0, 7, Set.of());
    Batch b = masking.apply(3, 4, new int[] {1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6}, new SplittableRandom(5));
    assertEquals(Math.log(7), m.forward(b, false).loss(), 0.05);
  }
}
