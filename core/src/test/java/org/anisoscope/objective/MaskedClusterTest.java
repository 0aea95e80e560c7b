package org.anisoscope.objective;

import org.anisoscope.data.Batch;
import org.anisoscope.model.GradientCheck;
import org.anisoscope.model.ParamStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.anisoscope.model.GradientCheck.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** HuBERT-style masked cluster prediction: the head and cross-entropy at masked frames only. */
class MaskedClusterTest {
  @BeforeAll
  static void doublePrecision() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
  }

  private static MaskedCluster head(ParamStore s) {
    MaskedCluster mc = new MaskedCluster(s, 4, 5);
    s.allocate(3);
    s.values().assign(GradientCheck.random(4, s.values().shape()));
    return mc;
  }

  private static final Batch BATCH = new Batch(2, 3, null, new int[] {Batch.IGNORE, 4, 0, 2, Batch.IGNORE, 1});

  @Test
  void headAndCrossEntropyMatchFiniteDifferences() {
    ParamStore s = new ParamStore(DataType.DOUBLE);
    MaskedCluster mc = head(s);
    INDArray h = GradientCheck.random(5, 6, 4);
    s.zeroGrads();
    mc.forward(h, BATCH);
    INDArray dh = mc.backward(h, BATCH).dup();
    check("dh", h, dh, () -> mc.forward(h, BATCH).loss(), Integer.MAX_VALUE);
    check("dW,db", s.values(), s.grads(), () -> mc.forward(h, BATCH).loss(), Integer.MAX_VALUE);
    assertEquals(0, dh.getRow(0).norm2Number().doubleValue(), 0);  // unmasked / padded frames: no gradient
    assertEquals(0, dh.getRow(4).norm2Number().doubleValue(), 0);
  }

  @Test
  void uniformLogitsCostLnKAndAccuracyCountsMaskedFramesOnly() {
    ParamStore s = new ParamStore(DataType.DOUBLE);
    MaskedCluster mc = new MaskedCluster(s, 4, 5);
    s.allocate(1);
    s.values().assign(0);                                            // all logits 0: p = 1/5 everywhere
    LossResult r = mc.forward(GradientCheck.random(1, 6, 4), BATCH);
    assertEquals(Math.log(5), r.loss(), 1e-12);
    assertEquals(4, r.weight(), 0);
    // bias favouring cluster 4: exactly the masked frame labelled 4 of the four is right
    s.get("cluster_head.b").value().get(NDArrayIndex.point(0), NDArrayIndex.point(4)).assign(1.0);
    assertEquals(0.25, mc.forward(GradientCheck.random(1, 6, 4), BATCH).scalars().get(MaskedCluster.MASKED_ACC),
        1e-12);
    assertThrows(IllegalArgumentException.class, () -> mc.forward(GradientCheck.random(1, 6, 4),
        new Batch(2, 3, null, new int[] {0, 9, 0, 0, 0, 0})));
  }
}
