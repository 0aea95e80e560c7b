package org.anisoscope.model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.anisoscope.model.GradientCheck.check;
import static org.anisoscope.model.GradientCheck.project;
import static org.anisoscope.model.GradientCheck.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Key padding in attention: a sequence padded at its end gives, at its real positions, exactly what the shorter
 * sequence gives alone; padded inputs have no influence there; the backward pass matches finite differences.
 */
class AttentionPaddingTest {
  @AfterAll
  static void restore() {
    Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
  }

  /** Sequence 0 keeps its first {@code real} positions; sequence 1 is not padded. */
  private static boolean[] padding(int seq, int real) {
    boolean[] p = new boolean[2 * seq];
    for (int t = real; t < seq; t++) {
      p[t] = true;
    }
    return p;
  }

  private static void sameAsShorterAlone(DataType dtype, int d, int heads, int seq, int real, double tol) {
    Nd4j.setDefaultDataTypes(dtype, dtype);
    ParamStore s = new ParamStore(dtype);
    SelfAttention attn = new SelfAttention(s, "attn", d, heads, false, 0.0, 0.5, 0.5);
    s.allocate(1);
    INDArray x = random(3, 2L * seq, d).castTo(dtype);
    attn.keyPadding(padding(seq, real));
    INDArray padded = attn.forward(x, 2, seq, false).dup();
    x.get(NDArrayIndex.interval(real, seq), NDArrayIndex.all()).assign(random(9, seq - real, d).muli(100));
    INDArray changed = attn.forward(x, 2, seq, false).dup();
    attn.keyPadding(null);
    INDArray alone = attn.forward(x.get(NDArrayIndex.interval(0, real), NDArrayIndex.all()).dup(), 1, real, false);
    for (int t = 0; t < real; t++) {
      double norm = padded.getRow(t).norm2Number().doubleValue();
      assertEquals(0, padded.getRow(t).sub(alone.getRow(t)).norm2Number().doubleValue() / norm, tol, "position " + t);
      assertEquals(0, padded.getRow(t).sub(changed.getRow(t)).norm2Number().doubleValue() / norm, tol,
          "position " + t);
    }
  }

  @Test
  void paddedSequenceEqualsTheShorterOneAloneInDouble() {
    sameAsShorterAlone(DataType.DOUBLE, 6, 2, 5, 3, 1e-13);
  }

  @Test
  void paddedSequenceEqualsTheShorterOneAloneOnTheFusedShapesInFloat() {
    // heads of 32 and a context of 32: without padding these shapes take the fused kernels
    sameAsShorterAlone(DataType.FLOAT, 64, 2, 32, 20, 1e-5); // relative: float32 sums in another order
  }

  @Test
  void paddedAttentionMatchesFiniteDifferences() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    ParamStore s = new ParamStore(DataType.DOUBLE);
    int seq = 4;
    SelfAttention attn = new SelfAttention(s, "attn", 6, 2, false, 0.0, 0.5, 0.5);
    s.allocate(1);
    s.values().assign(random(2, s.values().shape()).muli(0.5));
    INDArray x = random(3, 2L * seq, 6);
    INDArray r = random(4, 2L * seq, 6);
    r.get(NDArrayIndex.interval(2, seq), NDArrayIndex.all()).assign(0); // the loss ignores padded rows
    attn.keyPadding(padding(seq, 2));
    s.zeroGrads();
    attn.forward(x, 2, seq, true);
    INDArray dx = attn.backward(x, r, 2, seq).dup();
    check("dx", x, dx, () -> project(attn.forward(x, 2, seq, false), r), Integer.MAX_VALUE);
    check("dparams", s.values(), s.grads(), () -> project(attn.forward(x, 2, seq, false), r), Integer.MAX_VALUE);
    // padded inputs feed no real position: their gradient is exactly zero
    assertEquals(0, dx.get(NDArrayIndex.interval(2, seq), NDArrayIndex.all()).norm2Number().doubleValue(), 0);
  }
}
