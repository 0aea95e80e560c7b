package org.anisoscope.model;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The row-tiled attention kernels with the 6-row register block ({@link AttentionKernels#wide}, the default on
 * AVX-512): every case of {@link AttentionKernelsTest} again (a plain loop in double, central finite differences in
 * double), head dim 128 on top, and the outputs of both register blocks compared element by element — they sum in
 * the same order, so they agree exactly. Tile rows 48 = 8 × 6; T 160 leaves a 16-row tile (two 6-row blocks, a
 * 3-row one and a single row).
 */
class AttentionWideTest extends AttentionKernelsTest {
  @BeforeEach
  void wideBlock() {
    AttentionKernels.wide = true; // after AttentionKernelsTest's setup, which chose the 3-row block
  }

  @ParameterizedTest(name = "batch {0}, heads {1}, seq {2}, d_head {3}, causal {4}")
  @CsvSource({"1, 2, 96, 128, true", "2, 1, 64, 128, false", "1, 1, 160, 128, true"})
  void largeHeadsMatchAPlainLoop(int batch, int heads, int seq, int d, boolean causal) {
    fusedAttentionMatchesAPlainLoop(batch, heads, seq, d, causal, true);
  }

  @ParameterizedTest(name = "heads {0}, seq {1}, d_head {2}, causal {3}")
  @CsvSource({"1, 64, 128, true", "2, 160, 64, true"})
  void largeHeadsMatchFiniteDifferencesInDouble(int heads, int seq, int d, boolean causal) {
    fusedBackwardMatchesFiniteDifferencesInDouble(heads, seq, d, causal, true);
  }

  /** y, lse, P (direct and recomputed), dq, dk, dv of one forward and backward pass with the given block. */
  private static INDArray[] pass(boolean wide, int batch, int heads, int seq, int d, boolean causal) {
    int c = heads * d;
    int bh = batch * heads;
    Nd4j.getRandom().setSeed(31);
    INDArray qkv = Nd4j.rand(DataType.FLOAT, (long) batch * seq, 3L * c).subi(0.5).muli(4);
    INDArray dy = Nd4j.rand(DataType.FLOAT, (long) batch * seq, c).subi(0.5);
    INDArray y = Nd4j.valueArrayOf(new long[] {(long) batch * seq, c}, 7f, DataType.FLOAT);
    INDArray lse = Nd4j.valueArrayOf(new long[] {bh, seq}, 7f, DataType.FLOAT);
    INDArray p = Nd4j.valueArrayOf(new long[] {bh, seq, seq}, 7f, DataType.FLOAT);
    INDArray pRead = Nd4j.valueArrayOf(new long[] {bh, seq, seq}, 7f, DataType.FLOAT);
    INDArray dqkv = Nd4j.valueArrayOf(new long[] {(long) batch * seq, 3L * c}, 7f, DataType.FLOAT);
    boolean was = AttentionKernels.wide;
    AttentionKernels.wide = wide;
    try {
      Blas.Heads q = part(qkv, 0, heads, seq, d);
      Blas.Heads k = part(qkv, 1, heads, seq, d);
      Blas.Heads v = part(qkv, 2, heads, seq, d);
      double scale = 1 / Math.sqrt(d);
      Kernels.attentionForwardTiled(bh, q, k, v, lse, Blas.Heads.of(p, heads, seq, seq), rows(y, heads, seq, d),
          scale, causal);
      Kernels.attentionBackwardTiled(bh, q, k, v, lse, rows(dy, heads, seq, d), part(dqkv, 0, heads, seq, d),
          part(dqkv, 1, heads, seq, d), part(dqkv, 2, heads, seq, d), scale, causal);
      Kernels.attentionPatterns(bh, q, k, lse, Blas.Heads.of(pRead, heads, seq, seq), scale, causal);
    } finally {
      AttentionKernels.wide = was;
    }
    return new INDArray[] {y, lse, p, pRead, dqkv};
  }

  @ParameterizedTest(name = "batch {0}, heads {1}, seq {2}, d_head {3}, causal {4}")
  @CsvSource({"2, 2, 160, 32, true", "1, 2, 96, 64, true", "2, 2, 64, 128, true", "1, 2, 96, 128, false",
      "1, 1, 256, 128, true"})
  void sixAndThreeRowBlocksAgreeExactly(int batch, int heads, int seq, int d, boolean causal) {
    INDArray[] narrow = pass(false, batch, heads, seq, d, causal);
    INDArray[] wide = pass(true, batch, heads, seq, d, causal);
    String[] names = {"y", "lse", "P", "P read back", "dq|dk|dv"};
    for (int n = 0; n < names.length; n++) {
      for (long e = 0; e < narrow[n].length(); e++) {
        // delta 0: equal values, +0 and −0 alike
        assertEquals(narrow[n].data().getFloat(e), wide[n].data().getFloat(e), 0.0f, names[n] + " at " + e);
      }
    }
  }
}
