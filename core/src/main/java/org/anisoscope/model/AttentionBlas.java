package org.anisoscope.model;

import com.google.common.base.Preconditions;
import org.anisoscope.util.Parallel;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * The row-tiled fused attention of {@link AttentionKernels#forwardTiled} / {@link AttentionKernels#backwardTiled}
 * (same inputs, outputs and memory plan: y and the rows' log-sum-exp forward, P recomputed backward, nothing of size
 * T² anywhere) with its products done by OpenBLAS's {@code sgemm} on blocks of {@link #block} query rows, for large
 * head dims. Per head and block of query rows {@code [r0, r1)}, against the keys {@code [0, kEnd)} with
 * {@code kEnd = r1} when causal (the blocks above the diagonal are skipped) and T otherwise:
 * <ul>
 *   <li>forward: {@code S = q_blk·kᵀ}, the masked softmax of {@code scale·S} row by row (keeping each row's lse),
 *       {@code y_blk = P·v};</li>
 *   <li>backward, blocks from the last to the first: {@code P = exp(scale·q_blk·kᵀ − lse)}, {@code dP = dy_blk·vᵀ},
 *       {@code dS = scale·P ⊙ (dP − rowsum(dP ⊙ P))}, {@code dv[0, kEnd) += Pᵀ·dy_blk}, {@code dq_blk = dS·k},
 *       {@code dk[0, kEnd) += dSᵀ·q_blk}. The last block reaches every key row, so it writes dv and dk with β = 0 and
 *       the earlier ones add to them: no zeroing pass.</li>
 * </ul>
 * The products read q, k, v, dy and write y, dq, dk, dv in place in the training buffers (leading dimension 3C or C),
 * so nothing is copied but the score tiles: sgemm writes them into a per-thread native tile, the softmax runs on a
 * Java copy in {@link AttentionKernels}'s vector-API row kernels (the same code as the register-blocked path), and
 * the tile goes back for the next sgemm. Per thread {@code 2·block·T} floats of native tile and as many of Java tile:
 * linear in T.
 *
 * <p>Why: the register-blocked kernels of {@link AttentionKernels} skip every masked multiply-add but run at about
 * 40 GFLOP/s per core; sgemm on these shapes runs near the core's FP32 peak (≈ 95 GFLOP/s per core on the benchmark
 * machine) even counting the masked products of the diagonal blocks, which pays once a head has enough columns for
 * the GEMM kernels to stream (head dim 128; see ARCHITECTURE.md for the measured crossover). Heads are split across
 * {@link Parallel}'s threads, each sgemm single-threaded (as {@link Blas} runs them).
 *
 * <p>Reproducible: no sum depends on the thread count. Results agree with {@link AttentionKernels} to float rounding
 * (the products sum in another order).
 */
final class AttentionBlas {
  private static final int L = 8;
  /** Query rows per block (tests lower it to run partial and several blocks on small heads). */
  static volatile int block = Integer.getInteger("anisoscope.attention-blas-block", 64);
  /**
   * Head dims from this one on run here; below, {@link AttentionKernels}. Off unless
   * {@code -Danisoscope.attention-blas=true} (measured no faster than the register-blocked kernels on the benchmark
   * machine, see the commit message); {@code -Danisoscope.attention-blas-min-dhead} sets the threshold.
   */
  static volatile int minHeadDim = Boolean.parseBoolean(System.getProperty("anisoscope.attention-blas", "false"))
      ? Integer.getInteger("anisoscope.attention-blas-min-dhead", 128) : Integer.MAX_VALUE;
  private static final ThreadLocal<Tiles> TILES = ThreadLocal.withInitial(Tiles::new);

  private AttentionBlas() {
  }

  /** Whether heads of this dim take this path (any sequence length). */
  static boolean takes(int dHead) {
    return dHead >= minHeadDim;
  }

  /** One thread's tiles: {@code [rows, ld]} score/probability and dP/dS tiles, native and Java, and one head's lse. */
  private static final class Tiles {
    int rows;
    int ld;
    FloatPointer sNative;
    FloatPointer dNative;
    float[] s;
    float[] d;
    float[] lse = new float[0];
    final float[] lanes = new float[L];

    Tiles ensure(int rows, int t) {
      int ldNeed = (t + L - 1) / L * L;
      if (this.rows != rows || this.ld != ldNeed) {
        this.rows = rows;
        this.ld = ldNeed;
        int n = rows * ldNeed;
        s = new float[n];
        d = new float[n];
        sNative = new FloatPointer(n);
        dNative = new FloatPointer(n);
        sNative.put(s, 0, n);  // zeros: no stale memory ever enters the row kernels
        dNative.put(d, 0, n);
      }
      if (lse.length != t) {
        lse = new float[t];
      }
      return this;
    }

    long floats() {
      return s == null ? 0 : 4L * s.length + lse.length;
    }
  }

  /** Floats of tile the calling thread holds for this path (the memory test reads it). */
  static long scratchFloats() {
    return TILES.get().floats();
  }

  private static int grain(int count, int t, int d) {
    return (long) count * t * t * d < AttentionKernels.splitWork ? count : 1;
  }

  /** See {@link AttentionKernels#forwardTiled}: y and lse, and P into {@code p} when that is not null. */
  static void forward(int count, Blas.Heads q, Blas.Heads k, Blas.Heads v, INDArray lse, Blas.Heads p,
      Blas.Heads y, float scale, boolean causal) {
    int t = q.rows();
    int d = q.cols();
    checkLse(lse, count, t);
    int nb = Math.max(1, Math.min(block, t));
    FloatPointer qm = ptr(q.base());
    FloatPointer km = ptr(k.base());
    FloatPointer vm = ptr(v.base());
    FloatPointer ym = ptr(y.base());
    FloatPointer lm = ptr(lse);
    FloatPointer pm = p == null ? null : ptr(p.base());
    Parallel.forRange(count, grain(count, t, d), (lo, hi) -> {
      Tiles w = TILES.get().ensure(nb, t);
      for (int i = lo; i < hi; i++) {
        long qi = q.at(i);
        long ki = k.at(i);
        long vi = v.at(i);
        long yi = y.at(i);
        for (int r0 = 0; r0 < t; r0 += nb) {
          int r1 = Math.min(t, r0 + nb);
          int m = r1 - r0;
          int kEnd = causal ? r1 : t;
          int width = (kEnd + L - 1) / L * L;
          sgemm(false, true, m, kEnd, d, qm, qi + (long) r0 * q.ld(), q.ld(), km, ki, k.ld(),   // S = q_blk·kᵀ
              0f, w.sNative, 0, w.ld);
          w.sNative.position(0).get(w.s, 0, m * w.ld);
          for (int r = r0; r < r1; r++) {
            w.lse[r] = AttentionKernels.softmaxRow(w.s, (r - r0) * w.ld, causal ? r + 1 : t, width, scale, w.lanes);
          }
          w.sNative.position(0).put(w.s, 0, m * w.ld);
          sgemm(false, false, m, d, kEnd, w.sNative, 0, w.ld, vm, vi, v.ld(),                    // y_blk = P·v
              0f, ym, yi + (long) r0 * y.ld(), y.ld());
          if (pm != null) {
            storeRows(pm, p, i, w.s, w.ld, r0, r1, kEnd);
          }
        }
        new FloatPointer(lm).position((long) i * t).put(w.lse, 0, t);
      }
    });
  }

  /** See {@link AttentionKernels#backwardTiled}: dq, dk, dv (overwritten) from q, k, v, lse and dy. */
  static void backward(int count, Blas.Heads q, Blas.Heads k, Blas.Heads v, INDArray lse, Blas.Heads dy,
      Blas.Heads dq, Blas.Heads dk, Blas.Heads dv, float scale, boolean causal) {
    int t = q.rows();
    int d = q.cols();
    checkLse(lse, count, t);
    int nb = Math.max(1, Math.min(block, t));
    FloatPointer qm = ptr(q.base());
    FloatPointer km = ptr(k.base());
    FloatPointer vm = ptr(v.base());
    FloatPointer lm = ptr(lse);
    FloatPointer dym = ptr(dy.base());
    FloatPointer dqm = ptr(dq.base());
    FloatPointer dkm = ptr(dk.base());
    FloatPointer dvm = ptr(dv.base());
    int last = (t - 1) / nb * nb;
    Parallel.forRange(count, grain(count, t, d), (lo, hi) -> {
      Tiles w = TILES.get().ensure(nb, t);
      for (int i = lo; i < hi; i++) {
        long qi = q.at(i);
        long ki = k.at(i);
        long vi = v.at(i);
        long dyi = dy.at(i);
        new FloatPointer(lm).position((long) i * t).get(w.lse, 0, t);
        for (int r0 = last; r0 >= 0; r0 -= nb) { // the last block first: it reaches every key row (β = 0)
          int r1 = Math.min(t, r0 + nb);
          int m = r1 - r0;
          int kEnd = causal ? r1 : t;
          int width = (kEnd + L - 1) / L * L;
          float beta = r0 == last ? 0f : 1f;
          sgemm(false, true, m, kEnd, d, qm, qi + (long) r0 * q.ld(), q.ld(), km, ki, k.ld(),    // S = q_blk·kᵀ
              0f, w.sNative, 0, w.ld);
          sgemm(false, true, m, kEnd, d, dym, dyi + (long) r0 * dy.ld(), dy.ld(), vm, vi, v.ld(), // dP = dy_blk·vᵀ
              0f, w.dNative, 0, w.ld);
          w.sNative.position(0).get(w.s, 0, m * w.ld);
          w.dNative.position(0).get(w.d, 0, m * w.ld);
          for (int r = r0; r < r1; r++) {
            int base = (r - r0) * w.ld;
            int len = causal ? r + 1 : t;
            AttentionKernels.probabilityRow(w.s, base, len, width, scale, w.lse[r]);
            // dP past kEnd was not written by this sgemm: zero it, so that the row kernel's 0·x stays 0
            Arrays.fill(w.d, base + kEnd, base + width, 0f);
            AttentionKernels.softmaxBackwardRow(w.s, w.d, base, len, width, scale, w.lanes);
          }
          w.sNative.position(0).put(w.s, 0, m * w.ld);
          w.dNative.position(0).put(w.d, 0, m * w.ld);
          sgemm(true, false, kEnd, d, m, w.sNative, 0, w.ld, dym, dyi + (long) r0 * dy.ld(), dy.ld(), // dv += Pᵀ·dy
              beta, dvm, dv.at(i), dv.ld());
          sgemm(false, false, m, d, kEnd, w.dNative, 0, w.ld, km, ki, k.ld(),                      // dq = dS·k
              0f, dqm, dq.at(i) + (long) r0 * dq.ld(), dq.ld());
          sgemm(true, false, kEnd, d, m, w.dNative, 0, w.ld, qm, qi + (long) r0 * q.ld(), q.ld(),  // dk += dSᵀ·q
              beta, dkm, dk.at(i), dk.ld());
        }
      }
    });
  }

  /** See {@link AttentionKernels#patterns}: P recomputed from q, k and lse into {@code p} ({@code [T, T]} blocks). */
  static void patterns(int count, Blas.Heads q, Blas.Heads k, INDArray lse, Blas.Heads p, float scale,
      boolean causal) {
    int t = q.rows();
    int d = q.cols();
    checkLse(lse, count, t);
    int nb = Math.max(1, Math.min(block, t));
    FloatPointer qm = ptr(q.base());
    FloatPointer km = ptr(k.base());
    FloatPointer lm = ptr(lse);
    FloatPointer pm = ptr(p.base());
    Parallel.forRange(count, grain(count, t, d), (lo, hi) -> {
      Tiles w = TILES.get().ensure(nb, t);
      for (int i = lo; i < hi; i++) {
        new FloatPointer(lm).position((long) i * t).get(w.lse, 0, t);
        for (int r0 = 0; r0 < t; r0 += nb) {
          int r1 = Math.min(t, r0 + nb);
          int m = r1 - r0;
          int kEnd = causal ? r1 : t;
          int width = (kEnd + L - 1) / L * L;
          sgemm(false, true, m, kEnd, d, qm, q.at(i) + (long) r0 * q.ld(), q.ld(), km, k.at(i), k.ld(),
              0f, w.sNative, 0, w.ld);
          w.sNative.position(0).get(w.s, 0, m * w.ld);
          for (int r = r0; r < r1; r++) {
            AttentionKernels.probabilityRow(w.s, (r - r0) * w.ld, causal ? r + 1 : t, width, scale, w.lse[r]);
          }
          storeRows(pm, p, i, w.s, w.ld, r0, r1, kEnd);
        }
      }
    });
  }

  /** Rows {@code [r0, r1)} of matrix i of {@code p} from a tile: its first kEnd columns, zeros after. */
  private static void storeRows(FloatPointer pm, Blas.Heads p, int i, float[] tile, int ld, int r0, int r1,
      int kEnd) {
    int cols = p.cols();
    float[] zeros = new float[cols - kEnd];
    FloatPointer at = new FloatPointer(pm);
    for (int r = r0; r < r1; r++) {
      long row = p.at(i) + (long) r * p.ld();
      at.position(row).put(tile, (r - r0) * ld, kEnd);
      if (kEnd < cols) {
        at.position(row + kEnd).put(zeros, 0, cols - kEnd);
      }
    }
  }

  /** Row-major {@code c = op(a)·op(b) + β·c} by OpenBLAS on elements {@code offA, offB, offC} of the buffers. */
  private static void sgemm(boolean ta, boolean tb, int m, int n, int k, FloatPointer a, long offA, int lda,
      FloatPointer b, long offB, int ldb, float beta, FloatPointer c, long offC, int ldc) {
    openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
        ta ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
        tb ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans, m, n, k, 1f,
        new FloatPointer(a).position(offA), lda, new FloatPointer(b).position(offB), ldb, beta,
        new FloatPointer(c).position(offC), ldc);
  }

  private static FloatPointer ptr(INDArray x) {
    return new FloatPointer(x.data().addressPointer());
  }

  private static void checkLse(INDArray lse, int count, int t) {
    Preconditions.checkArgument(lse.dataType() == DataType.FLOAT && lse.offset() == 0
            && lse.length() >= (long) count * t,
        "lse must be a plain float32 buffer of at least %s × %s, got %s %s", count, t, lse.dataType(),
        Arrays.toString(lse.shape()));
  }
}
