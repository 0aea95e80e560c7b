package org.anisoscope.objective;

import org.anisoscope.data.Batch;
import org.anisoscope.model.GradientCheck;
import org.anisoscope.model.Hooks;
import org.anisoscope.model.ModelConfig;
import org.anisoscope.model.PatchEmbedding;
import org.anisoscope.model.ParamStore;
import org.anisoscope.train.Network;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

import static org.anisoscope.model.GradientCheck.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float-input path end to end in double precision: {@link PatchEmbedding} (projection, mask embedding, class
 * token, positions) under each encoder objective, every parameter's gradient against finite differences; and the
 * objectives' closed-form values.
 */
class FloatInputObjectivesTest {
  private static final int F = 5;
  private static final int T = 4;

  private static ModelConfig cfg() {
    return ModelConfig.tiny(0, T, false, DataType.DOUBLE);
  }

  private static Batch.Rows rows(int n, int width, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n * width];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return new Batch.Rows(v, width);
  }

  private static void checkAll(Network m, Batch b) {
    m.params().values().addi(GradientCheck.random(3, m.params().values().shape()).muli(0.3));
    m.forwardBackward(b);
    check("network", m.params().values(), m.params().grads(), () -> m.forward(b, false).loss(), 300);
  }

  @Test
  void classificationMeanPoolMatchesFiniteDifferences() {
    Network m = new Network(cfg(), PatchEmbedding.factory(F, false), Classification.factory(3, false), 5);
    checkAll(m, Batch.ofInputs(3, T, rows(3 * T, F, 1), new int[] {0, 2, 1}));
  }

  @Test
  void classificationFromTheClassTokenMatchesFiniteDifferences() {
    Network m = new Network(cfg(), PatchEmbedding.factory(F, true), Classification.factory(3, true), 5);
    checkAll(m, Batch.ofInputs(3, T, rows(3 * T, F, 2), new int[] {2, 2, 0}));
  }

  @Test
  void maskedRegressionMatchesFiniteDifferences() {
    Network m = new Network(cfg(), PatchEmbedding.factory(F, false), MaskedRegression.factory(F), 5);
    boolean[] masked = {true, false, true, false, false, true, true, false};
    checkAll(m, Batch.ofInputs(2, T, rows(2 * T, F, 3), null).withMasked(masked, rows(2 * T, F, 4)));
  }

  @Test
  void contrastiveOnTwoViewsMatchesFiniteDifferences() {
    Network m = new Network(cfg(), PatchEmbedding.factory(F, false), Contrastive::new, 5);
    checkAll(m, Batch.ofInputs(4, T, rows(4 * T, F, 5), null));   // rows 0,1 and 2,3: two views of 2 images
  }

  /** A masked position's input never reaches the model: changing it changes no hidden state. */
  @Test
  void maskedInputsAreHidden() {
    Network m = new Network(cfg(), PatchEmbedding.factory(F, false), MaskedRegression.factory(F), 5);
    boolean[] masked = {false, true, false, false};
    Batch.Rows in = rows(T, F, 6);
    INDArray before = m.hidden(Batch.ofInputs(1, T, in, null).withMasked(masked, in)).dup();
    float[] changed = in.values().clone();
    for (int f = 0; f < F; f++) {
      changed[F + f] += 10f;  // position 1
    }
    Batch.Rows in2 = new Batch.Rows(changed, F);
    INDArray after = m.hidden(Batch.ofInputs(1, T, in2, null).withMasked(masked, in2));
    assertEquals(0.0, before.sub(after).norm2Number().doubleValue(), 1e-12);
    INDArray unmasked = m.hidden(Batch.ofInputs(1, T, in2, null));
    assertTrue(before.sub(unmasked).norm2Number().doubleValue() > 1e-3, "unmasked input had no effect");
  }

  /** With a zero head the predictions are 0: the loss is the mean square of the masked targets only. */
  @Test
  void maskedRegressionLossIsTheMeanSquareOverMaskedPositions() {
    ParamStore store = new ParamStore(DataType.DOUBLE);
    MaskedRegression r = new MaskedRegression(store, 3, 2);
    store.allocate(1);
    store.get("reg_head.W").value().assign(0.0);
    float[] t = {1, 2, 100, 100, 3, 4};   // position 1 unmasked: its 100s must not count
    Batch b = Batch.ofInputs(1, 3, rows(3, 1, 1), null).withMasked(new boolean[] {true, false, true},
        new Batch.Rows(t, 2));
    double loss = r.forward(GradientCheck.random(2, 3, 3), b).loss();
    assertEquals((1 + 4 + 9 + 16) / 4.0, loss, 1e-12);
  }

  /** Zero head → uniform logits: loss ln K whatever the labels. */
  @Test
  void classificationWithAZeroHeadCostsLnK() {
    ParamStore store = new ParamStore(DataType.DOUBLE);
    Classification c = new Classification(store, 3, 4, false);
    store.allocate(1);
    store.get("cls_head.W").value().assign(0.0);
    LossResult r = c.forward(GradientCheck.random(2, 2 * 3, 3), Batch.ofInputs(2, 3, rows(6, 1, 1),
        new int[] {0, 3}));
    assertEquals(Math.log(4), r.loss(), 1e-12);
  }

  @Test
  void refusesBatchesWithoutTheirFields() {
    Network m = new Network(cfg(), PatchEmbedding.factory(F, false), Classification.factory(3, false), 5);
    assertThrows(IllegalArgumentException.class, () -> m.forward(new Batch(1, T, new int[T], null), false));
    assertThrows(IllegalArgumentException.class, () -> m.forward(Batch.ofInputs(1, T, rows(T, F, 1), null),
        false));
    assertThrows(IllegalArgumentException.class, () -> m.forward(Batch.ofInputs(1, T, rows(T, F + 1, 1),
        new int[] {0}), false));
  }

  @Test
  void hookEmbedIsThePatchEmbedding() {
    Network m = new Network(cfg(), PatchEmbedding.factory(F, false), Classification.factory(3, false), 5);
    m.hidden(Batch.ofInputs(2, T, rows(2 * T, F, 1), null));
    assertEquals(2L * T, m.hooks(2, T).get(Hooks.EMBED).size(0));
  }
}
