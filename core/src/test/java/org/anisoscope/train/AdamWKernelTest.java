package org.anisoscope.train;

import org.anisoscope.model.Kernels;
import org.anisoscope.model.ModelConfig;
import org.anisoscope.objective.CausalLm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fused float32 AdamW update equals the reference op chain (decay mask, bias correction, ε) over 5 steps. */
class AdamWKernelTest {
  private static INDArray[] run(boolean fused) {
    boolean was = Kernels.setEnabled(fused);
    try {
      ModelConfig cfg = ModelConfig.tiny(13, 6, true, DataType.FLOAT);
      Network m = Network.ofTokens(cfg, CausalLm::new, 3);
      AdamW opt = new AdamW(m.params(), 0.9, 0.95, 1e-8, 0.1);
      for (int step = 0; step < 5; step++) {
        Nd4j.getRandom().setSeed(100 + step);
        m.params().grads().assign(Nd4j.randn(DataType.FLOAT, m.params().grads().shape()).muli(0.01 * (step + 1)));
        opt.step(1e-2 / (step + 1));
      }
      return new INDArray[] {m.params().values().dup(), opt.firstMoment().dup(), opt.secondMoment().dup()};
    } finally {
      Kernels.setEnabled(was);
    }
  }

  @Test
  void fusedUpdateMatchesTheReferenceOps() {
    Assumptions.assumeTrue(Kernels.available(), "fused kernels unavailable in this JVM");
    INDArray[] ref = run(false);
    INDArray[] fused = run(true);
    String[] what = {"parameters", "first moment", "second moment"};
    for (int i = 0; i < 3; i++) {
      double scale = ref[i].amaxNumber().doubleValue();
      double diff = ref[i].sub(fused[i]).amaxNumber().doubleValue();
      assertTrue(scale > 0 && diff <= 2e-6 * scale, what[i] + ": max |Δ| " + diff + " vs scale " + scale);
    }
    // the update moved the weights (the comparison is not between two untouched copies)
    Network fresh = Network.ofTokens(ModelConfig.tiny(13, 6, true, DataType.FLOAT), CausalLm::new, 3);
    assertTrue(fresh.params().values().sub(ref[0]).amaxNumber().doubleValue() > 1e-3);
  }
}
