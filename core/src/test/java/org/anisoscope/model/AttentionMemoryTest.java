package org.anisoscope.model;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused attention's memory is linear in the context: the layer keeps no {@code [B·H, T, T]} buffer between its
 * forward and backward passes (only q/k/v-sized buffers and the rows' log-sum-exp), the kernels' per-thread scratch
 * grows linearly in T, and hook_pattern is still there, made when read.
 */
class AttentionMemoryTest {
  private static final int B = 2;
  private static final int H = 2;
  private static final int D_MODEL = 64; // d_head 32: the fused kernels' shapes

  @BeforeEach
  void requireKernels() {
    Assumptions.assumeTrue(Kernels.available(),
        "fused kernels unavailable in this JVM (needs the CPU backend and --add-modules jdk.incubator.vector)");
    Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
  }

  private static SelfAttention layer() {
    ParamStore s = new ParamStore(DataType.FLOAT);
    SelfAttention attn = new SelfAttention(s, "attn", D_MODEL, H, true, 0.0, 0.5, 0.5);
    s.allocate(1);
    return attn;
  }

  private static INDArray random(long seed, long rows, long cols) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.rand(DataType.FLOAT, rows, cols).subi(0.5);
  }

  /** Floats the layer holds after one training step's forward and backward passes at context t. */
  private static long keptAfterStep(int t) {
    SelfAttention attn = layer();
    INDArray x = random(5, (long) B * t, D_MODEL);
    attn.forward(x, B, t, true);
    attn.backward(x, random(6, (long) B * t, D_MODEL), B, t);
    long square = (long) B * H * t * t;
    // (from T 128 on B·H·T·T is above every [B·T, 3C] buffer, the largest a linear layer holds here)
    assertTrue(t < 128 || attn.largestBuffer() < square, "a buffer of " + attn.largestBuffer()
        + " floats at T " + t + " (B·H·T·T = " + square + ")");
    return attn.bufferFloats();
  }

  @Test
  void keptStateIsLinearInTheContext() {
    long at64 = keptAfterStep(64);
    long at128 = keptAfterStep(128);
    long at256 = keptAfterStep(256);
    // (the quadratic buffers of the unfused path would make these ratios 2 + … and 4 + …)
    assertEquals(2 * at64, at128, "doubling T doubles what the layer keeps");
    assertEquals(4 * at64, at256, "quadrupling T quadruples what the layer keeps");
  }

  @Test
  void kernelScratchIsLinearInTheContext() throws InterruptedException {
    long[] scratch = new long[2];
    int[] ts = {256, 512};
    for (int n = 0; n < 2; n++) {
      int t = ts[n];
      int d = 32;
      INDArray qkv = random(7, t, 3L * d);
      INDArray y = Nd4j.create(DataType.FLOAT, t, d);
      INDArray lse = Nd4j.create(DataType.FLOAT, 1, t);
      INDArray dqkv = Nd4j.create(DataType.FLOAT, t, 3L * d);
      AtomicLong held = new AtomicLong();
      // a fresh thread: its thread-local scratch holds only what these kernels asked for; one head runs on the
      // calling thread
      Thread th = new Thread(() -> {
        Blas.Heads q = new Blas.Heads(qkv, 0, 0, 0, 1, t, d, 3 * d);
        Blas.Heads k = new Blas.Heads(qkv, d, 0, 0, 1, t, d, 3 * d);
        Blas.Heads v = new Blas.Heads(qkv, 2L * d, 0, 0, 1, t, d, 3 * d);
        Blas.Heads yh = Blas.Heads.of(y, 1, t, d);
        Kernels.attentionForwardTiled(1, q, k, v, lse, null, yh, 0.2, true);
        Kernels.attentionBackwardTiled(1, q, k, v, lse, yh, new Blas.Heads(dqkv, 0, 0, 0, 1, t, d, 3 * d),
            new Blas.Heads(dqkv, d, 0, 0, 1, t, d, 3 * d), new Blas.Heads(dqkv, 2L * d, 0, 0, 1, t, d, 3 * d),
            0.2, true);
        held.set(AttentionKernels.scratchFloats());
      });
      th.start();
      th.join();
      scratch[n] = held.get();
      assertEquals(9L * t * d + 2L * AttentionKernels.TILE * t + t, scratch[n], "scratch floats at T " + t);
    }
    assertEquals(2 * scratch[0], scratch[1]);
  }

  @Test
  void patternIsMadeWhenReadAndIsTheSoftmax() {
    int t = 64;
    SelfAttention attn = layer();
    INDArray x = random(8, (long) B * t, D_MODEL);
    attn.forward(x, B, t, false); // inference: hook_q and hook_k are copied out
    long square = (long) B * H * t * t;
    assertTrue(attn.largestBuffer() < square, "no pattern before it is read");
    INDArray p = attn.pattern(B, t);                               // [B, H, T, T]
    assertEquals(square, attn.largestBuffer());
    INDArray q = attn.q(B, t);
    INDArray k = attn.k(B, t);
    double scale = 1 / Math.sqrt(D_MODEL / H);
    for (int b = 0; b < B; b++) {
      for (int h = 0; h < H; h++) {
        for (int r = 0; r < t; r += 7) {
          double[] s = new double[r + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j <= r; j++) {
            double dot = 0;
            for (int e = 0; e < D_MODEL / H; e++) {
              dot += q.getDouble(b, h, r, e) * k.getDouble(b, h, j, e);
            }
            s[j] = dot * scale;
            max = Math.max(max, s[j]);
          }
          double sum = 0;
          for (int j = 0; j <= r; j++) {
            sum += Math.exp(s[j] - max);
          }
          for (int j = 0; j < t; j++) {
            double want = j <= r ? Math.exp(s[j] - max) / sum : 0.0;
            assertEquals(want, p.getDouble(b, h, r, j), 1e-6, "P[" + b + "," + h + "," + r + "," + j + "]");
          }
        }
      }
    }
  }
}
