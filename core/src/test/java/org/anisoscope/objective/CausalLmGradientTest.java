package org.anisoscope.objective;

import org.anisoscope.data.Batch;
import org.anisoscope.model.GradientCheck;
import org.anisoscope.model.ModelConfig;
import org.anisoscope.model.ParamStore;
import org.anisoscope.testing.DoublePrecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** LM head + cross-entropy against finite differences and a hand computation. */
@ExtendWith(DoublePrecision.class)
class CausalLmGradientTest {
  private static CausalLm untiedHead(ParamStore s) {
    ModelConfig cfg = new ModelConfig(5, 1, 1, 4, 4, 3, 0.0, true, ModelConfig.Attention.SOFTMAX, false,
        DataType.DOUBLE);
    CausalLm lm = new CausalLm(s, cfg, null);
    s.allocate(3);
    s.values().assign(GradientCheck.random(4, s.values().shape()));
    return lm;
  }

  @Test
  void headAndCrossEntropyMatchFiniteDifferences() {
    ParamStore s = new ParamStore(DataType.DOUBLE);
    CausalLm lm = untiedHead(s);
    INDArray h = GradientCheck.random(5, 6, 4);
    Batch b = new Batch(2, 3, null, new int[] {0, 4, Batch.IGNORE, 2, 2, 1});
    s.zeroGrads();
    lm.forward(h, b);
    INDArray dh = lm.backward(h, b).dup();
    GradientCheck.check("dh", h, dh, () -> lm.forward(h, b).loss(), Integer.MAX_VALUE);
    GradientCheck.check("dW", s.values(), s.grads(), () -> lm.forward(h, b).loss(), Integer.MAX_VALUE);
  }

  @Test
  void lossEqualsHandComputedMeanOverValidTargets() {
    ParamStore s = new ParamStore(DataType.DOUBLE);
    CausalLm lm = untiedHead(s);
    INDArray h = GradientCheck.random(6, 2, 4);
    int[] targets = {3, Batch.IGNORE};
    double loss = lm.forward(h, new Batch(1, 2, null, targets)).loss();
    INDArray z = h.mmul(s.get("lm_head.W").value()).getRow(0);
    double lse = Math.log(z.dup().muli(0).addi(z).toDoubleVector().length == 0 ? 0
        : java.util.Arrays.stream(z.toDoubleVector()).map(Math::exp).sum());
    assertEquals(lse - z.getDouble(3), loss, 1e-12);
  }
}
