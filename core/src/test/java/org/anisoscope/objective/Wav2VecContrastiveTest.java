package org.anisoscope.objective;

import org.anisoscope.model.GradientCheck;
import org.anisoscope.model.ParamStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.anisoscope.model.GradientCheck.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** wav2vec 2.0-style contrastive loss: finite differences, and a case with a closed-form loss. */
class Wav2VecContrastiveTest {
  @BeforeAll
  static void doublePrecision() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
  }

  @Test
  void headMatchesFiniteDifferences() {
    ParamStore s = new ParamStore(DataType.DOUBLE);
    Wav2VecContrastive w = new Wav2VecContrastive(s, 4, 3, 2, 0.5);
    s.allocate(3);
    s.values().assign(GradientCheck.random(4, s.values().shape()));
    INDArray h = GradientCheck.random(5, 10, 4);
    INDArray q = GradientCheck.random(6, 10, 3);
    // two sequences of 5: 4 masked in the first (K = 2 of 3 others drawn), 2 in the second (1 distractor only)
    boolean[] m = {true, false, true, true, true, false, true, false, false, true};
    s.zeroGrads();
    w.forward(h, m, q, 2, 5);
    INDArray dh = w.backward(h).dup();
    check("dh", h, dh, () -> w.forward(h, m, q, 2, 5).loss(), Integer.MAX_VALUE);
    check("dW,db", s.values(), s.grads(), () -> w.forward(h, m, q, 2, 5).loss(), Integer.MAX_VALUE);
    assertEquals(0, dh.getRow(1).norm2Number().doubleValue(), 0); // unmasked: no gradient
  }

  @Test
  void orthogonalTargetsGiveTheClosedFormLossAndFullAccuracy() {
    ParamStore s = new ParamStore(DataType.DOUBLE);
    double tau = 0.1;
    Wav2VecContrastive w = new Wav2VecContrastive(s, 4, 4, 3, tau);
    s.allocate(1);
    s.get("ctx_head.W").value().assign(Nd4j.eye(4));                 // c = h
    s.get("ctx_head.b").value().assign(0);
    INDArray q = Nd4j.eye(4).muli(3);                                 // orthogonal targets (norm 3)
    INDArray h = Nd4j.eye(4).muli(0.5);                               // c_i ∥ q_i: cos 1 with its own, 0 else
    LossResult r = w.forward(h, new boolean[] {true, true, true, true}, q, 1, 4);
    // each anchor: 1 true target (cos 1) and all 3 others as distractors (cos 0)
    double want = -Math.log(Math.exp(1 / tau) / (Math.exp(1 / tau) + 3));
    assertEquals(want, r.loss(), 1e-12);
    assertEquals(1.0, r.scalars().get(Wav2VecContrastive.ACC), 0);
    assertEquals(4, r.weight(), 0);
    // all targets equal: every candidate ties, the true one is never strictly best and the loss is ln(K + 1)
    LossResult tie = w.forward(h, new boolean[] {true, true, true, true}, Nd4j.ones(4, 4), 1, 4);
    assertEquals(0.0, tie.scalars().get(Wav2VecContrastive.ACC), 0);
    assertEquals(Math.log(4), tie.loss(), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> w.forward(h, new boolean[4], q, 1, 4));
  }
}
