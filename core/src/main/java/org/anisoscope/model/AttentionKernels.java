package org.anisoscope.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.anisoscope.util.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteOrder;
import java.nio.ByteBuffer;

/**
 * Fused float32 attention, one head at a time, written with the JDK's vector API. Forward: {@code S = q·kᵀ}, the
 * softmax (scaled, causal), {@code y = P·v}. Backward: {@code dv = Pᵀ·dy}, {@code dP = dy·vᵀ}, the softmax backward,
 * {@code dq = dS·k}, {@code dk = dSᵀ·q}. A head's q, k, v, dy (and P in the backward pass) are copied into per-thread
 * Java arrays (a head is {@code T × D}: 16 KB at T = 128, D = 32), everything in between stays there (in cache),
 * and only P, y and the gradients are written back. This replaces per head six OpenBLAS calls and the separate
 * softmax passes over {@code [B·H, T, T]} in memory.
 *
 * <p>Why our own products: a head's products are small ({@code [T, D]·[D, T]} with D = 32), where OpenBLAS packs
 * both operands on every call and each JNI call costs about a microsecond; and with the causal mask about half of the
 * multiply-adds are of zeros, which a GEMM cannot skip and these products do (the blocks above the diagonal of
 * {@code S} and {@code dP}, the terms above the diagonal in the products with {@code P} and {@code dS}). The register
 * block is 3 rows × 32 columns: 12 accumulators, 3 broadcasts and 4 loads per step, 16 of AVX2's 16 registers.
 * On Java arrays the block runs at about 40 GFLOP/s on one core of the benchmark machine, against about 25 on the
 * arrays' native memory through {@code ByteBuffer}s, hence the copies. On AVX-512 the row-tiled kernels use a
 * 6-row block ({@link #wide}) and copy rows by {@link NativeRows}. OpenBLAS on tiles of 64 query rows was tried for
 * head dim 128 and was no faster here (ARCHITECTURE.md, "Speed at large head dims").
 *
 * <p>Rows are computed within the diagonal 3-row block up to the block's last row; the entries of {@code P} and
 * {@code dS} above the diagonal are exact zeros (the softmax writes them), so the extra terms add nothing.
 * Reproducible: no sum depends on the thread count or on which thread ran a head.
 *
 * <p>Only {@link Kernels} calls this class, and only when the {@code jdk.incubator.vector} module is present.
 */
final class AttentionKernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
  private static final int L = S.length();
  private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
  /** Columns of the register block: 4 vectors. */
  private static final int W = 4 * L;
  /** Rows of the register block. */
  private static final int R = 3;
  /**
   * Rows of the wide register block: 6 rows × 32 columns, 24 accumulators, which needs the 32 vector registers of
   * AVX-512 (C2 then allocates ymm16–31); with AVX2's 16 it would spill. Measured on the AMD EPYC (Zen 4) benchmark
   * machine, one core, S = q·kᵀ at T 252, D 128 on Java arrays: 3 rows 79 GFLOP/s, 6 rows 106 (OpenBLAS 0.3.19's
   * sgemm on a [64, 128]·[128, 256] block: 71). The row-tiled kernels take rows 6 at a time when {@link #wide},
   * then 3, then 1; every sum runs in the same k order, so results are bit-identical either way.
   */
  private static final int R6 = 6;
  /**
   * Whether the row-tiled kernels use the 6-row block: by default where the JVM's preferred vector is 512 bits
   * (AVX-512); {@code -Danisoscope.attention-wide=false|true} overrides (A/B runs, tests).
   */
  static volatile boolean wide = Boolean.parseBoolean(System.getProperty("anisoscope.attention-wide",
      String.valueOf(FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512)));
  /** Query rows per tile of the row-tiled kernels: a multiple of R and R6; 48 × T floats (192 KB at T = 1024). */
  static final int TILE = 16 * R;
  /** Heads are split across the threads from this many multiply-adds of q·kᵀ in all (tests lower it). */
  static volatile long splitWork = Long.getLong("anisoscope.attention-split-work", 1L << 20);
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private AttentionKernels() {
  }

  /** Whether these kernels take heads of {@code seq × dHead}: both whole multiples of 32 columns. */
  static boolean supports(int seq, int dHead) {
    return seq > 0 && dHead > 0 && seq % W == 0 && dHead % W == 0;
  }

  /** One thread's arrays for one head. */
  private static final class Scratch {
    int t;
    int d;
    float[] q;
    float[] k;
    float[] kt;
    float[] v;
    float[] vt;
    float[] dy;
    float[] p;
    float[] s;
    float[] o1;
    float[] o2;
    float[] o3;
    /** The row-tiled kernels' {@code [TILE, t]} score and probability tiles. */
    float[] sTile;
    float[] pTile;
    float[] lse;
    final float[] lanes = new float[L];

    /** Head-sized arrays and the whole {@code [t, t]} P and S (the P-keeping kernels). */
    Scratch ensure(int t, int d) {
      heads(t, d);
      if (p == null || p.length != t * t) {
        p = new float[t * t];
        s = new float[t * t];
      }
      return this;
    }

    /** Head-sized arrays and {@code [TILE, t]} tiles only (the row-tiled kernels): O(T·(D + TILE)) floats. */
    Scratch ensureTiled(int t, int d) {
      heads(t, d);
      if (sTile == null || sTile.length != TILE * t) {
        sTile = new float[TILE * t];
        pTile = new float[TILE * t];
        lse = new float[t];
      }
      return this;
    }

    private void heads(int t, int d) {
      if (this.t != t || this.d != d) {
        this.t = t;
        this.d = d;
        q = new float[t * d];
        k = new float[t * d];
        kt = new float[t * d];
        v = new float[t * d];
        vt = new float[t * d];
        dy = new float[t * d];
        o1 = new float[t * d];
        o2 = new float[t * d];
        o3 = new float[t * d];
      }
    }

    /** Floats this thread holds (for the memory test). */
    long floats() {
      return (long) (q == null ? 0 : 9 * q.length) + (p == null ? 0 : 2L * p.length)
          + (sTile == null ? 0 : 2L * sTile.length + lse.length);
    }
  }

  private static int grain(int count, int t, int d) {
    return (long) count * t * t * d < splitWork ? count : 1;
  }

  /**
   * For each head i: {@code P[i] = softmax(scale · q[i]·k[i]ᵀ)} (causal: row r over columns ≤ r, zeros after) and
   * {@code y[i] = P[i]·v[i]}. {@code p} is written whole ({@code [T, T]} blocks), {@code y} in its head's columns.
   */
  static void forward(int count, Blas.Heads q, Blas.Heads k, Blas.Heads v, Blas.Heads p, Blas.Heads y, float scale,
      boolean causal) {
    int t = q.rows();
    int d = q.cols();
    ByteBuffer qm = mem(q);
    ByteBuffer km = mem(k);
    ByteBuffer vm = mem(v);
    ByteBuffer pm = mem(p);
    ByteBuffer ym = mem(y);
    Parallel.forRange(count, grain(count, t, d), (lo, hi) -> {
      Scratch w = SCRATCH.get().ensure(t, d);
      for (int i = lo; i < hi; i++) {
        load(qm, q, i, w.q);
        load(km, k, i, w.k);
        transpose(w.k, w.kt, t, d);
        load(vm, v, i, w.v);
        scores(w.q, w.kt, w.s, t, d, causal);
        softmaxRows(w.s, t, scale, causal, w.lanes);
        store(pm, p, i, w.s);
        lower(w.s, w.v, w.o1, t, d, causal);
        store(ym, y, i, w.o1);
      }
    });
  }

  /**
   * For each head i, from the forward pass's {@code P[i]} and the output gradient {@code dy[i]}: {@code dv = Pᵀ·dy},
   * {@code dS = scale · P ⊙ (dy·vᵀ − rowsum(dy·vᵀ ⊙ P))}, {@code dq = dS·k}, {@code dk = dSᵀ·q}, each written in its
   * head's columns.
   */
  static void backward(int count, Blas.Heads q, Blas.Heads k, Blas.Heads v, Blas.Heads p, Blas.Heads dy,
      Blas.Heads dq, Blas.Heads dk, Blas.Heads dv, float scale, boolean causal) {
    int t = q.rows();
    int d = q.cols();
    ByteBuffer qm = mem(q);
    ByteBuffer km = mem(k);
    ByteBuffer vm = mem(v);
    ByteBuffer pm = mem(p);
    ByteBuffer dym = mem(dy);
    ByteBuffer dqm = mem(dq);
    ByteBuffer dkm = mem(dk);
    ByteBuffer dvm = mem(dv);
    Parallel.forRange(count, grain(count, t, d), (lo, hi) -> {
      Scratch w = SCRATCH.get().ensure(t, d);
      for (int i = lo; i < hi; i++) {
        load(qm, q, i, w.q);
        load(km, k, i, w.k);
        load(vm, v, i, w.v);
        transpose(w.v, w.vt, t, d);
        load(dym, dy, i, w.dy);
        load(pm, p, i, w.p);
        upper(w.p, w.dy, w.o1, t, d, causal);        // dv = Pᵀ·dy
        store(dvm, dv, i, w.o1);
        scores(w.dy, w.vt, w.s, t, d, causal);       // dP = dy·vᵀ
        for (int r = 0; r < t; r++) {
          softmaxBackwardRow(w.p, w.s, r * t, causal ? r + 1 : t, t, scale, w.lanes);
        }
        lower(w.s, w.k, w.o2, t, d, causal);         // dq = dS·k
        store(dqm, dq, i, w.o2);
        upper(w.s, w.q, w.o3, t, d, causal);         // dk = dSᵀ·q
        store(dkm, dk, i, w.o3);
      }
    });
  }

  /**
   * Row-tiled forward (FlashAttention's memory plan, exact softmax per tile of whole rows): for each head i and each
   * tile of {@link #TILE} query rows, {@code S = q·kᵀ} for those rows, the softmax, {@code y = P·v}; only {@code y}
   * and the rows' log-sum-exp {@code lse[i, r] = ln Σ_j exp(scale · S[r, j])} (causal: j ≤ r) are written. Per thread
   * O(T·(D + TILE)) scratch; nothing of size T² anywhere. {@link #backwardTiled} recomputes P from q, k and lse.
   *
   * @param lse {@code [count, T]} float32, written
   * @param p when not null, also receives P ({@code [T, T]} blocks): for hook_pattern and tests
   */
  static void forwardTiled(int count, Blas.Heads q, Blas.Heads k, Blas.Heads v, INDArray lse, Blas.Heads p,
      Blas.Heads y, float scale, boolean causal) {
    int t = q.rows();
    int d = q.cols();
    checkLse(lse, count, t);
    ByteBuffer qm = mem(q);
    ByteBuffer km = mem(k);
    ByteBuffer vm = mem(v);
    ByteBuffer lm = lse.data().asNio().order(NATIVE);
    ByteBuffer pm = p == null ? null : mem(p);
    ByteBuffer ym = mem(y);
    Parallel.forRange(count, grain(count, t, d), (lo, hi) -> {
      Scratch w = SCRATCH.get().ensureTiled(t, d);
      for (int i = lo; i < hi; i++) {
        load(qm, q, i, w.q);
        load(km, k, i, w.k);
        transpose(w.k, w.kt, t, d);
        load(vm, v, i, w.v);
        for (int r0 = 0; r0 < t; r0 += TILE) {
          int r1 = Math.min(t, r0 + TILE);
          scoresRows(w.q, w.kt, w.sTile, r0, r1, t, d, causal);              // S rows [r0, r1)
          for (int r = r0; r < r1; r++) {
            w.lse[r] = softmaxRow(w.sTile, (r - r0) * t, causal ? r + 1 : t, t, scale, w.lanes);
          }
          if (pm != null) {
            storeRows(pm, p, i, w.sTile, r0, r1);
          }
          lowerRows(w.sTile, w.v, w.o1, r0, r1, t, d, causal);               // y rows = P·v
        }
        store(ym, y, i, w.o1);
        for (int r = 0; r < t; r++) {
          lm.putFloat((int) (((long) i * t + r) << 2), w.lse[r]);
        }
      }
    });
  }

  /**
   * Row-tiled backward from the forward pass's {@code lse} (no P kept): per tile of query rows, P is recomputed as
   * {@code exp(scale · q·kᵀ − lse)}, {@code dP = dy·vᵀ}, {@code dS = scale · P ⊙ (dP − rowsum(dP ⊙ P))};
   * {@code dq = dS·k} for the tile's rows, and {@code dv += Pᵀ·dy}, {@code dk += dSᵀ·q} over the tiles.
   */
  static void backwardTiled(int count, Blas.Heads q, Blas.Heads k, Blas.Heads v, INDArray lse, Blas.Heads dy,
      Blas.Heads dq, Blas.Heads dk, Blas.Heads dv, float scale, boolean causal) {
    int t = q.rows();
    int d = q.cols();
    checkLse(lse, count, t);
    ByteBuffer qm = mem(q);
    ByteBuffer km = mem(k);
    ByteBuffer vm = mem(v);
    ByteBuffer lm = lse.data().asNio().order(NATIVE);
    ByteBuffer dym = mem(dy);
    ByteBuffer dqm = mem(dq);
    ByteBuffer dkm = mem(dk);
    ByteBuffer dvm = mem(dv);
    Parallel.forRange(count, grain(count, t, d), (lo, hi) -> {
      Scratch w = SCRATCH.get().ensureTiled(t, d);
      for (int i = lo; i < hi; i++) {
        load(qm, q, i, w.q);
        load(km, k, i, w.k);
        transpose(w.k, w.kt, t, d);
        load(vm, v, i, w.v);
        transpose(w.v, w.vt, t, d);
        load(dym, dy, i, w.dy);
        for (int r = 0; r < t; r++) {
          w.lse[r] = lm.getFloat((int) (((long) i * t + r) << 2));
        }
        java.util.Arrays.fill(w.o1, 0f);
        java.util.Arrays.fill(w.o3, 0f);
        for (int r0 = 0; r0 < t; r0 += TILE) {
          int r1 = Math.min(t, r0 + TILE);
          scoresRows(w.q, w.kt, w.pTile, r0, r1, t, d, causal);              // S rows
          for (int r = r0; r < r1; r++) {
            probabilityRow(w.pTile, (r - r0) * t, causal ? r + 1 : t, t, scale, w.lse[r]);
          }
          scoresRows(w.dy, w.vt, w.sTile, r0, r1, t, d, causal);             // dP = dy·vᵀ rows
          for (int r = r0; r < r1; r++) {
            softmaxBackwardRow(w.pTile, w.sTile, (r - r0) * t, causal ? r + 1 : t, t, scale, w.lanes);
          }
          upperRows(w.pTile, w.dy, w.o1, r0, r1, t, d, causal);              // dv += Pᵀ·dy
          lowerRows(w.sTile, w.k, w.o2, r0, r1, t, d, causal);               // dq rows = dS·k
          upperRows(w.sTile, w.q, w.o3, r0, r1, t, d, causal);               // dk += dSᵀ·q
        }
        store(dvm, dv, i, w.o1);
        store(dqm, dq, i, w.o2);
        store(dkm, dk, i, w.o3);
      }
    });
  }

  /** P = exp(scale · q·kᵀ − lse) into {@code p} ({@code [T, T]} blocks): hook_pattern, made when read. */
  static void patterns(int count, Blas.Heads q, Blas.Heads k, INDArray lse, Blas.Heads p, float scale,
      boolean causal) {
    int t = q.rows();
    int d = q.cols();
    checkLse(lse, count, t);
    ByteBuffer qm = mem(q);
    ByteBuffer km = mem(k);
    ByteBuffer lm = lse.data().asNio().order(NATIVE);
    ByteBuffer pm = mem(p);
    Parallel.forRange(count, grain(count, t, d), (lo, hi) -> {
      Scratch w = SCRATCH.get().ensureTiled(t, d);
      for (int i = lo; i < hi; i++) {
        load(qm, q, i, w.q);
        load(km, k, i, w.k);
        transpose(w.k, w.kt, t, d);
        for (int r0 = 0; r0 < t; r0 += TILE) {
          int r1 = Math.min(t, r0 + TILE);
          scoresRows(w.q, w.kt, w.pTile, r0, r1, t, d, causal);
          for (int r = r0; r < r1; r++) {
            probabilityRow(w.pTile, (r - r0) * t, causal ? r + 1 : t, t, scale,
                lm.getFloat((int) (((long) i * t + r) << 2)));
          }
          storeRows(pm, p, i, w.pTile, r0, r1);
        }
      }
    });
  }

  /** Floats of scratch the calling thread holds for these kernels (the memory test reads it). */
  static long scratchFloats() {
    return SCRATCH.get().floats();
  }

  private static void checkLse(INDArray lse, int count, int t) {
    com.google.common.base.Preconditions.checkArgument(lse.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT
            && lse.offset() == 0 && lse.length() >= (long) count * t,
        "lse must be a plain float32 buffer of at least %s × %s, got %s %s", count, t, lse.dataType(),
        java.util.Arrays.toString(lse.shape()));
  }

  /**
   * Tile row {@code [base, base + t)} of S in place: {@code exp(scale · s − lse)} over the first {@code len}
   * entries, exact zeros after (the recomputed softmax row of the forward pass).
   */
  private static void probabilityRow(float[] s, int base, int len, int t, float scale, float lse) {
    int full = len / L * L;
    for (int j = 0; j < full; j += L) {
      VectorKernels.exp(FloatVector.fromArray(S, s, base + j).mul(scale).sub(lse)).intoArray(s, base + j);
    }
    for (int j = full; j < len; j++) {
      s[base + j] = (float) Math.exp(s[base + j] * scale - lse);
    }
    java.util.Arrays.fill(s, base + len, base + t, 0f);
  }

  /** {@link #scores} for the rows {@code [r0, r1)} of {@code a}, into a tile ({@code s} row 0 = row r0). */
  private static void scoresRows(float[] a, float[] bt, float[] s, int r0, int r1, int t, int d, boolean causal) {
    int r = r0;
    if (wide) {
      for (; r + R6 <= r1; r += R6) {
        int colEnd = causal ? Math.min(t, (r + R6 - 1) / W * W + W) : t;
        for (int col = 0; col < colEnd; col += W) {
          block6(a, r * d, d, 1, bt, col, t, s, (r - r0) * t + col, t, 0, d);
        }
      }
    }
    for (; r + R <= r1; r += R) {
      int colEnd = causal ? Math.min(t, (r + R - 1) / W * W + W) : t;
      for (int col = 0; col < colEnd; col += W) {
        block3(a, r * d, d, 1, bt, col, t, s, (r - r0) * t + col, t, 0, d);
      }
    }
    for (; r < r1; r++) {
      int colEnd = causal ? Math.min(t, r / W * W + W) : t;
      for (int col = 0; col < colEnd; col += W) {
        block1(a, r * d, 1, bt, col, t, s, (r - r0) * t + col, 0, d);
      }
    }
  }

  /** Rows {@code [r0, r1)} of {@code c = a·b}: {@code a} a tile of those rows ({@code [r1 − r0, t]}), b {@code [t, d]}. */
  private static void lowerRows(float[] a, float[] b, float[] c, int r0, int r1, int t, int d, boolean causal) {
    int r = r0;
    if (wide) {
      for (; r + R6 <= r1; r += R6) {
        int kEnd = causal ? r + R6 : t;
        for (int col = 0; col < d; col += W) {
          block6(a, (r - r0) * t, t, 1, b, col, d, c, r * d + col, d, 0, kEnd);
        }
      }
    }
    for (; r + R <= r1; r += R) {
      int kEnd = causal ? r + R : t;
      for (int col = 0; col < d; col += W) {
        block3(a, (r - r0) * t, t, 1, b, col, d, c, r * d + col, d, 0, kEnd);
      }
    }
    for (; r < r1; r++) {
      int kEnd = causal ? r + 1 : t;
      for (int col = 0; col < d; col += W) {
        block1(a, (r - r0) * t, 1, b, col, d, c, r * d + col, 0, kEnd);
      }
    }
  }

  /**
   * {@code c += aᵀ·b[r0 .. r1)}: a tile of rows {@code [r0, r1)} ({@code [r1 − r0, t]}), b's same rows; c
   * {@code [t, d]}. Causal: the tile is zero right of its last row's diagonal, so only c's rows {@code < r1}, and for
   * output rows j only the tile rows {@code ≥ j}.
   */
  private static void upperRows(float[] a, float[] b, float[] c, int r0, int r1, int t, int d, boolean causal) {
    int jEnd = causal ? r1 : t;
    int n = r1 - r0;
    int j = 0;
    if (wide) {
      for (; j + R6 <= jEnd; j += R6) {
        int kStart = causal ? Math.max(0, j - r0) : 0;
        for (int col = 0; col < d; col += W) {
          block6Add(a, j, 1, t, b, r0 * d + col, d, c, j * d + col, d, kStart, n);
        }
      }
    }
    for (; j + R <= jEnd; j += R) {
      int kStart = causal ? Math.max(0, j - r0) : 0;
      for (int col = 0; col < d; col += W) {
        block3Add(a, j, 1, t, b, r0 * d + col, d, c, j * d + col, d, kStart, n);
      }
    }
    for (; j < jEnd; j++) {
      int kStart = causal ? Math.max(0, j - r0) : 0;
      for (int col = 0; col < d; col += W) {
        block1Add(a, j, t, b, r0 * d + col, d, c, j * d + col, kStart, n);
      }
    }
  }

  /** Rows {@code [r0, r1)} of matrix i of {@code h} from a tile ({@code src} row 0 = row r0, rows packed). */
  private static void storeRows(ByteBuffer m, Blas.Heads h, int i, float[] src, int r0, int r1) {
    long at = h.at(i);
    int cols = h.cols();
    if (NativeRows.AVAILABLE) {
      long address = address(h, i, r0, r1);
      for (int r = r0; r < r1; r++) {
        NativeRows.put(src, (r - r0) * cols, address, at + (long) r * h.ld(), cols);
      }
      return;
    }
    int full = cols / L * L;
    for (int r = r0; r < r1; r++) {
      long row = at + (long) r * h.ld();
      int o = (r - r0) * cols;
      for (int c = 0; c < full; c += L) {
        FloatVector.fromArray(S, src, o + c).intoByteBuffer(m, (int) ((row + c) << 2), NATIVE);
      }
      for (int c = full; c < cols; c++) {
        m.putFloat((int) ((row + c) << 2), src[o + c]);
      }
    }
  }

  /**
   * The native address of {@code h}'s buffer, after checking that rows {@code [r0, r1)} of matrix i lie inside it
   * ({@link NativeRows} copies unchecked, where the ByteBuffer path checked every access).
   */
  private static long address(Blas.Heads h, int i, int r0, int r1) {
    long first = h.at(i) + (long) r0 * h.ld();
    long end = h.at(i) + (long) (r1 - 1) * h.ld() + h.cols();
    com.google.common.base.Preconditions.checkArgument(r0 >= 0 && r1 > r0 && first >= 0
            && end <= h.base().data().length(), "rows [%s, %s) of matrix %s (floats %s to %s) outside a buffer of %s",
        r0, r1, i, first, end, h.base().data().length());
    return h.base().data().addressPointer().address();
  }

  private static ByteBuffer mem(Blas.Heads h) {
    return h.base().data().asNio().order(NATIVE);
  }

  /**
   * Matrix i of {@code h} ({@code rows × cols}, rows {@code ld} apart) into {@code dst}, rows packed. Vector loads
   * and stores, not {@code FloatBuffer}'s bulk get/put: those cost a native memory copy per row (about 65 ns for a
   * 32-float row here), which made the copies a quarter of the attention's time.
   */
  private static void load(ByteBuffer m, Blas.Heads h, int i, float[] dst) {
    long at = h.at(i);
    int cols = h.cols();
    if (NativeRows.AVAILABLE) {
      long address = address(h, i, 0, h.rows());
      for (int r = 0; r < h.rows(); r++) {
        NativeRows.get(address, at + (long) r * h.ld(), dst, r * cols, cols);
      }
      return;
    }
    int full = cols / L * L;
    for (int r = 0; r < h.rows(); r++) {
      long row = at + (long) r * h.ld();
      int o = r * cols;
      for (int c = 0; c < full; c += L) {
        FloatVector.fromByteBuffer(S, m, (int) ((row + c) << 2), NATIVE).intoArray(dst, o + c);
      }
      for (int c = full; c < cols; c++) {
        dst[o + c] = m.getFloat((int) ((row + c) << 2));
      }
    }
  }

  /** {@code src} (rows packed) into matrix i of {@code h}; see {@link #load}. */
  private static void store(ByteBuffer m, Blas.Heads h, int i, float[] src) {
    long at = h.at(i);
    int cols = h.cols();
    if (NativeRows.AVAILABLE) {
      long address = address(h, i, 0, h.rows());
      for (int r = 0; r < h.rows(); r++) {
        NativeRows.put(src, r * cols, address, at + (long) r * h.ld(), cols);
      }
      return;
    }
    int full = cols / L * L;
    for (int r = 0; r < h.rows(); r++) {
      long row = at + (long) r * h.ld();
      int o = r * cols;
      for (int c = 0; c < full; c += L) {
        FloatVector.fromArray(S, src, o + c).intoByteBuffer(m, (int) ((row + c) << 2), NATIVE);
      }
      for (int c = full; c < cols; c++) {
        m.putFloat((int) ((row + c) << 2), src[o + c]);
      }
    }
  }

  /**
   * {@code xt[e, j] = x[j, e]} for {@code x} of {@code t × d}, by 8 × 8 blocks: a row-by-row walk writes each
   * element to another row of xt (T floats apart), and was a fifth of the backward pass at D 128; a block's 8 rows
   * of x and 8 rows of xt stay in L1.
   */
  private static void transpose(float[] x, float[] xt, int t, int d) {
    int tb = t / 8 * 8;
    int db = d / 8 * 8;
    for (int j0 = 0; j0 < tb; j0 += 8) {
      for (int e0 = 0; e0 < db; e0 += 8) {
        for (int e = e0; e < e0 + 8; e++) {
          int o = e * t + j0;
          int in = j0 * d + e;
          xt[o] = x[in];
          xt[o + 1] = x[in + d];
          xt[o + 2] = x[in + 2 * d];
          xt[o + 3] = x[in + 3 * d];
          xt[o + 4] = x[in + 4 * d];
          xt[o + 5] = x[in + 5 * d];
          xt[o + 6] = x[in + 6 * d];
          xt[o + 7] = x[in + 7 * d];
        }
      }
      for (int e = db; e < d; e++) {
        for (int j = j0; j < j0 + 8; j++) {
          xt[e * t + j] = x[j * d + e];
        }
      }
    }
    for (int j = tb; j < t; j++) {
      for (int e = 0; e < d; e++) {
        xt[e * t + j] = x[j * d + e];
      }
    }
  }

  /** {@code s = a·bt} ({@code [t, d]·[d, t]}); causal: per 3-row block only the 32-column blocks up to its diagonal. */
  private static void scores(float[] a, float[] bt, float[] s, int t, int d, boolean causal) {
    int r0 = 0;
    for (; r0 + R <= t; r0 += R) {
      int colEnd = causal ? Math.min(t, (r0 + R - 1) / W * W + W) : t;
      for (int col = 0; col < colEnd; col += W) {
        block3(a, r0 * d, d, 1, bt, col, t, s, r0 * t + col, t, 0, d);
      }
    }
    for (; r0 < t; r0++) {
      int colEnd = causal ? Math.min(t, r0 / W * W + W) : t;
      for (int col = 0; col < colEnd; col += W) {
        block1(a, r0 * d, 1, bt, col, t, s, r0 * t + col, 0, d);
      }
    }
  }

  /** {@code c = a·b} ({@code [t, t]·[t, d]}), {@code a} lower-triangular when causal. */
  private static void lower(float[] a, float[] b, float[] c, int t, int d, boolean causal) {
    int r0 = 0;
    for (; r0 + R <= t; r0 += R) {
      int kEnd = causal ? r0 + R : t;
      for (int col = 0; col < d; col += W) {
        block3(a, r0 * t, t, 1, b, col, d, c, r0 * d + col, d, 0, kEnd);
      }
    }
    for (; r0 < t; r0++) {
      int kEnd = causal ? r0 + 1 : t;
      for (int col = 0; col < d; col += W) {
        block1(a, r0 * t, 1, b, col, d, c, r0 * d + col, 0, kEnd);
      }
    }
  }

  /** {@code c = aᵀ·b} ({@code [t, t]ᵀ·[t, d]}), {@code a} lower-triangular when causal. */
  private static void upper(float[] a, float[] b, float[] c, int t, int d, boolean causal) {
    int r0 = 0;
    for (; r0 + R <= t; r0 += R) {
      int kStart = causal ? r0 : 0;
      for (int col = 0; col < d; col += W) {
        block3(a, r0, 1, t, b, col, d, c, r0 * d + col, d, kStart, t);
      }
    }
    for (; r0 < t; r0++) {
      int kStart = causal ? r0 : 0;
      for (int col = 0; col < d; col += W) {
        block1(a, r0, t, b, col, d, c, r0 * d + col, kStart, t);
      }
    }
  }

  /** {@link #softmaxRow} for every row of a {@code [t, t]} block. */
  private static void softmaxRows(float[] s, int t, float scale, boolean causal, float[] lanes) {
    for (int r = 0; r < t; r++) {
      softmaxRow(s, r * t, causal ? r + 1 : t, t, scale, lanes);
    }
  }

  /**
   * Row {@code [base, base + t)} of s in place: softmax of {@code scale · s} over the first {@code len} entries, 0
   * after. Max, Cephes exp ({@link VectorKernels#exp}), a sum in a fixed order, one reciprocal. The entries from len
   * to the end of its vector are set to −∞ first (their exp, clamped, is 1e−38: nothing next to the row's maximum,
   * whose exp is 1) and to 0 at the end: no masks, which JDK 17 compiles poorly, and the lane reductions go through
   * {@code lanes} ({@link #max8}, {@link #sum8}) rather than helpers taking a vector, which it boxed per row.
   */
  private static float softmaxRow(float[] s, int base, int len, int t, float scale, float[] lanes) {
    int end = (len + L - 1) / L * L;
    for (int j = len; j < end; j++) {
      s[base + j] = Float.NEGATIVE_INFINITY;
    }
    FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    for (int j = 0; j < end; j += L) {
      vmax = vmax.max(FloatVector.fromArray(S, s, base + j));
    }
    vmax.intoArray(lanes, 0);
    float shift = max8(lanes) * scale;
    FloatVector vsum = FloatVector.zero(S);
    for (int j = 0; j < end; j += L) {
      FloatVector e = VectorKernels.exp(FloatVector.fromArray(S, s, base + j).mul(scale).sub(shift));
      e.intoArray(s, base + j);
      vsum = vsum.add(e);
    }
    vsum.intoArray(lanes, 0);
    float sum = sum8(lanes);
    FloatVector inv = FloatVector.broadcast(S, 1f / sum);
    for (int j = 0; j < end; j += L) {
      FloatVector.fromArray(S, s, base + j).mul(inv).intoArray(s, base + j);
    }
    for (int j = len; j < end; j++) {
      s[base + j] = 0f;
    }
    FloatVector zero = FloatVector.zero(S);
    for (int j = end; j < t; j += L) {
      zero.intoArray(s, base + j);
    }
    return shift + (float) Math.log(sum);
  }

  /**
   * Row {@code [base, base + t)}: {@code ds ← scale · p ⊙ (ds − Σ_j ds ⊙ p)} up to {@code len} rounded up to whole
   * vectors (where p is 0 past len, so those entries become 0), exact zeros after.
   */
  private static void softmaxBackwardRow(float[] p, float[] ds, int base, int len, int t, float scale,
      float[] lanes) {
    int end = (len + L - 1) / L * L;
    FloatVector acc = FloatVector.zero(S);
    for (int j = 0; j < end; j += L) {
      acc = FloatVector.fromArray(S, ds, base + j).fma(FloatVector.fromArray(S, p, base + j), acc);
    }
    acc.intoArray(lanes, 0);
    float dot = sum8(lanes);
    for (int j = 0; j < end; j += L) {
      FloatVector.fromArray(S, ds, base + j).sub(dot).mul(FloatVector.fromArray(S, p, base + j)).mul(scale)
          .intoArray(ds, base + j);
    }
    FloatVector zero = FloatVector.zero(S);
    for (int j = end; j < t; j += L) {
      zero.intoArray(ds, base + j);
    }
  }

  /** Sum of 8 lanes in {@link VectorKernels#sum}'s order (halves, quarters, neighbours). */
  private static float sum8(float[] v) {
    return ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]));
  }

  private static float max8(float[] v) {
    return Math.max(Math.max(Math.max(v[0], v[4]), Math.max(v[2], v[6])),
        Math.max(Math.max(v[1], v[5]), Math.max(v[3], v[7])));
  }

  /**
   * {@code c[r, 0..32) = Σ_{k ∈ [kLo, kHi)} a(r, k)·b[k, 0..32)} for r = 0, 1, 2, where {@code a(r, k)} is
   * {@code a[a0 + r·ars + k·aks]}, row k of b starts at {@code b0 + k·bld} and row r of c at {@code c0 + r·cld}; c is
   * overwritten. (All vectors are locals of this one method: see VectorKernels on boxing.)
   */
  private static void block3(float[] a, int a0, int ars, int aks, float[] b, int b0, int bld, float[] c, int c0,
      int cld, int kLo, int kHi) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = FloatVector.zero(S);
    FloatVector c02 = FloatVector.zero(S);
    FloatVector c03 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S);
    FloatVector c11 = FloatVector.zero(S);
    FloatVector c12 = FloatVector.zero(S);
    FloatVector c13 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S);
    FloatVector c21 = FloatVector.zero(S);
    FloatVector c22 = FloatVector.zero(S);
    FloatVector c23 = FloatVector.zero(S);
    for (int k = kLo; k < kHi; k++) {
      int ak = a0 + k * aks;
      FloatVector x0 = FloatVector.broadcast(S, a[ak]);
      FloatVector x1 = FloatVector.broadcast(S, a[ak + ars]);
      FloatVector x2 = FloatVector.broadcast(S, a[ak + 2 * ars]);
      int bk = b0 + k * bld;
      FloatVector y0 = FloatVector.fromArray(S, b, bk);
      c00 = y0.fma(x0, c00);
      c10 = y0.fma(x1, c10);
      c20 = y0.fma(x2, c20);
      FloatVector y1 = FloatVector.fromArray(S, b, bk + L);
      c01 = y1.fma(x0, c01);
      c11 = y1.fma(x1, c11);
      c21 = y1.fma(x2, c21);
      FloatVector y2 = FloatVector.fromArray(S, b, bk + 2 * L);
      c02 = y2.fma(x0, c02);
      c12 = y2.fma(x1, c12);
      c22 = y2.fma(x2, c22);
      FloatVector y3 = FloatVector.fromArray(S, b, bk + 3 * L);
      c03 = y3.fma(x0, c03);
      c13 = y3.fma(x1, c13);
      c23 = y3.fma(x2, c23);
    }
    c00.intoArray(c, c0);
    c01.intoArray(c, c0 + L);
    c02.intoArray(c, c0 + 2 * L);
    c03.intoArray(c, c0 + 3 * L);
    int c1 = c0 + cld;
    c10.intoArray(c, c1);
    c11.intoArray(c, c1 + L);
    c12.intoArray(c, c1 + 2 * L);
    c13.intoArray(c, c1 + 3 * L);
    int c2 = c0 + 2 * cld;
    c20.intoArray(c, c2);
    c21.intoArray(c, c2 + L);
    c22.intoArray(c, c2 + 2 * L);
    c23.intoArray(c, c2 + 3 * L);
  }

  /**
   * {@link #block3} adding to c instead of overwriting it. A separate method, not a flag: a vector that is either
   * loaded or zero meets at a branch, and JDK 17's C2 then boxes it (measured: the whole step 40 % slower from the
   * allocation and GC).
   */
  private static void block3Add(float[] a, int a0, int ars, int aks, float[] b, int b0, int bld, float[] c, int c0,
      int cld, int kLo, int kHi) {
    int c1 = c0 + cld;
    int c2 = c0 + 2 * cld;
    FloatVector c00 = FloatVector.fromArray(S, c, c0);
    FloatVector c01 = FloatVector.fromArray(S, c, c0 + L);
    FloatVector c02 = FloatVector.fromArray(S, c, c0 + 2 * L);
    FloatVector c03 = FloatVector.fromArray(S, c, c0 + 3 * L);
    FloatVector c10 = FloatVector.fromArray(S, c, c1);
    FloatVector c11 = FloatVector.fromArray(S, c, c1 + L);
    FloatVector c12 = FloatVector.fromArray(S, c, c1 + 2 * L);
    FloatVector c13 = FloatVector.fromArray(S, c, c1 + 3 * L);
    FloatVector c20 = FloatVector.fromArray(S, c, c2);
    FloatVector c21 = FloatVector.fromArray(S, c, c2 + L);
    FloatVector c22 = FloatVector.fromArray(S, c, c2 + 2 * L);
    FloatVector c23 = FloatVector.fromArray(S, c, c2 + 3 * L);
    for (int k = kLo; k < kHi; k++) {
      int ak = a0 + k * aks;
      FloatVector x0 = FloatVector.broadcast(S, a[ak]);
      FloatVector x1 = FloatVector.broadcast(S, a[ak + ars]);
      FloatVector x2 = FloatVector.broadcast(S, a[ak + 2 * ars]);
      int bk = b0 + k * bld;
      FloatVector y0 = FloatVector.fromArray(S, b, bk);
      c00 = y0.fma(x0, c00);
      c10 = y0.fma(x1, c10);
      c20 = y0.fma(x2, c20);
      FloatVector y1 = FloatVector.fromArray(S, b, bk + L);
      c01 = y1.fma(x0, c01);
      c11 = y1.fma(x1, c11);
      c21 = y1.fma(x2, c21);
      FloatVector y2 = FloatVector.fromArray(S, b, bk + 2 * L);
      c02 = y2.fma(x0, c02);
      c12 = y2.fma(x1, c12);
      c22 = y2.fma(x2, c22);
      FloatVector y3 = FloatVector.fromArray(S, b, bk + 3 * L);
      c03 = y3.fma(x0, c03);
      c13 = y3.fma(x1, c13);
      c23 = y3.fma(x2, c23);
    }
    c00.intoArray(c, c0);
    c01.intoArray(c, c0 + L);
    c02.intoArray(c, c0 + 2 * L);
    c03.intoArray(c, c0 + 3 * L);
    c10.intoArray(c, c1);
    c11.intoArray(c, c1 + L);
    c12.intoArray(c, c1 + 2 * L);
    c13.intoArray(c, c1 + 3 * L);
    c20.intoArray(c, c2);
    c21.intoArray(c, c2 + L);
    c22.intoArray(c, c2 + 2 * L);
    c23.intoArray(c, c2 + 3 * L);
  }

  /**
   * {@link #block3} for 6 rows (see {@link #R6}); c is overwritten: its 6 × 4L tile is zeroed, then
   * {@link #block6Add} accumulates into it. Zeroing first gives the same floats as accumulators started at zero
   * (fma(y, x, +0) is y·x rounded, as is the first step from a zero register), costs 24 stores against the k loop's
   * 4 loads + 6 broadcasts + 24 FMAs per k, and keeps one copy of the register block, with no loaded-or-zero branch
   * for C2 to box.
   */
  private static void block6(float[] a, int a0, int ars, int aks, float[] b, int b0, int bld, float[] c, int c0,
      int cld, int kLo, int kHi) {
    for (int r = 0; r < 6; r++) {
      java.util.Arrays.fill(c, c0 + r * cld, c0 + r * cld + 4 * L, 0f);
    }
    block6Add(a, a0, ars, aks, b, b0, bld, c, c0, cld, kLo, kHi);
  }

  /** {@link #block6} adding to c (see {@link #block3Add}). */
  private static void block6Add(float[] a, int a0, int ars, int aks, float[] b, int b0, int bld, float[] c, int c0,
      int cld, int kLo, int kHi) {
    int l0 = c0;
    int l1 = c0 + 1 * cld;
    int l2 = c0 + 2 * cld;
    int l3 = c0 + 3 * cld;
    int l4 = c0 + 4 * cld;
    int l5 = c0 + 5 * cld;
    FloatVector c00 = FloatVector.fromArray(S, c, l0);
    FloatVector c01 = FloatVector.fromArray(S, c, l0 + L);
    FloatVector c02 = FloatVector.fromArray(S, c, l0 + 2 * L);
    FloatVector c03 = FloatVector.fromArray(S, c, l0 + 3 * L);
    FloatVector c10 = FloatVector.fromArray(S, c, l1);
    FloatVector c11 = FloatVector.fromArray(S, c, l1 + L);
    FloatVector c12 = FloatVector.fromArray(S, c, l1 + 2 * L);
    FloatVector c13 = FloatVector.fromArray(S, c, l1 + 3 * L);
    FloatVector c20 = FloatVector.fromArray(S, c, l2);
    FloatVector c21 = FloatVector.fromArray(S, c, l2 + L);
    FloatVector c22 = FloatVector.fromArray(S, c, l2 + 2 * L);
    FloatVector c23 = FloatVector.fromArray(S, c, l2 + 3 * L);
    FloatVector c30 = FloatVector.fromArray(S, c, l3);
    FloatVector c31 = FloatVector.fromArray(S, c, l3 + L);
    FloatVector c32 = FloatVector.fromArray(S, c, l3 + 2 * L);
    FloatVector c33 = FloatVector.fromArray(S, c, l3 + 3 * L);
    FloatVector c40 = FloatVector.fromArray(S, c, l4);
    FloatVector c41 = FloatVector.fromArray(S, c, l4 + L);
    FloatVector c42 = FloatVector.fromArray(S, c, l4 + 2 * L);
    FloatVector c43 = FloatVector.fromArray(S, c, l4 + 3 * L);
    FloatVector c50 = FloatVector.fromArray(S, c, l5);
    FloatVector c51 = FloatVector.fromArray(S, c, l5 + L);
    FloatVector c52 = FloatVector.fromArray(S, c, l5 + 2 * L);
    FloatVector c53 = FloatVector.fromArray(S, c, l5 + 3 * L);
    for (int k = kLo; k < kHi; k++) {
      int ak = a0 + k * aks;
      int bk = b0 + k * bld;
      FloatVector y0 = FloatVector.fromArray(S, b, bk);
      FloatVector y1 = FloatVector.fromArray(S, b, bk + L);
      FloatVector y2 = FloatVector.fromArray(S, b, bk + 2 * L);
      FloatVector y3 = FloatVector.fromArray(S, b, bk + 3 * L);
      FloatVector x = FloatVector.broadcast(S, a[ak]);
      c00 = y0.fma(x, c00);
      c01 = y1.fma(x, c01);
      c02 = y2.fma(x, c02);
      c03 = y3.fma(x, c03);
      x = FloatVector.broadcast(S, a[ak + 1 * ars]);
      c10 = y0.fma(x, c10);
      c11 = y1.fma(x, c11);
      c12 = y2.fma(x, c12);
      c13 = y3.fma(x, c13);
      x = FloatVector.broadcast(S, a[ak + 2 * ars]);
      c20 = y0.fma(x, c20);
      c21 = y1.fma(x, c21);
      c22 = y2.fma(x, c22);
      c23 = y3.fma(x, c23);
      x = FloatVector.broadcast(S, a[ak + 3 * ars]);
      c30 = y0.fma(x, c30);
      c31 = y1.fma(x, c31);
      c32 = y2.fma(x, c32);
      c33 = y3.fma(x, c33);
      x = FloatVector.broadcast(S, a[ak + 4 * ars]);
      c40 = y0.fma(x, c40);
      c41 = y1.fma(x, c41);
      c42 = y2.fma(x, c42);
      c43 = y3.fma(x, c43);
      x = FloatVector.broadcast(S, a[ak + 5 * ars]);
      c50 = y0.fma(x, c50);
      c51 = y1.fma(x, c51);
      c52 = y2.fma(x, c52);
      c53 = y3.fma(x, c53);
    }
    int o0 = c0;
    c00.intoArray(c, o0);
    c01.intoArray(c, o0 + L);
    c02.intoArray(c, o0 + 2 * L);
    c03.intoArray(c, o0 + 3 * L);
    int o1 = c0 + 1 * cld;
    c10.intoArray(c, o1);
    c11.intoArray(c, o1 + L);
    c12.intoArray(c, o1 + 2 * L);
    c13.intoArray(c, o1 + 3 * L);
    int o2 = c0 + 2 * cld;
    c20.intoArray(c, o2);
    c21.intoArray(c, o2 + L);
    c22.intoArray(c, o2 + 2 * L);
    c23.intoArray(c, o2 + 3 * L);
    int o3 = c0 + 3 * cld;
    c30.intoArray(c, o3);
    c31.intoArray(c, o3 + L);
    c32.intoArray(c, o3 + 2 * L);
    c33.intoArray(c, o3 + 3 * L);
    int o4 = c0 + 4 * cld;
    c40.intoArray(c, o4);
    c41.intoArray(c, o4 + L);
    c42.intoArray(c, o4 + 2 * L);
    c43.intoArray(c, o4 + 3 * L);
    int o5 = c0 + 5 * cld;
    c50.intoArray(c, o5);
    c51.intoArray(c, o5 + L);
    c52.intoArray(c, o5 + 2 * L);
    c53.intoArray(c, o5 + 3 * L);
  }

  /** {@link #block3} for one row: {@code c[c0 .. c0+32) = Σ_k a[a0 + k·aks]·b[k, 0..32)}. */
  private static void block1(float[] a, int a0, int aks, float[] b, int b0, int bld, float[] c, int c0, int kLo,
      int kHi) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = FloatVector.zero(S);
    FloatVector c02 = FloatVector.zero(S);
    FloatVector c03 = FloatVector.zero(S);
    for (int k = kLo; k < kHi; k++) {
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + k * aks]);
      int bk = b0 + k * bld;
      c00 = FloatVector.fromArray(S, b, bk).fma(x0, c00);
      c01 = FloatVector.fromArray(S, b, bk + L).fma(x0, c01);
      c02 = FloatVector.fromArray(S, b, bk + 2 * L).fma(x0, c02);
      c03 = FloatVector.fromArray(S, b, bk + 3 * L).fma(x0, c03);
    }
    c00.intoArray(c, c0);
    c01.intoArray(c, c0 + L);
    c02.intoArray(c, c0 + 2 * L);
    c03.intoArray(c, c0 + 3 * L);
  }

  /** {@link #block1} adding to c (see {@link #block3Add}). */
  private static void block1Add(float[] a, int a0, int aks, float[] b, int b0, int bld, float[] c, int c0, int kLo,
      int kHi) {
    FloatVector c00 = FloatVector.fromArray(S, c, c0);
    FloatVector c01 = FloatVector.fromArray(S, c, c0 + L);
    FloatVector c02 = FloatVector.fromArray(S, c, c0 + 2 * L);
    FloatVector c03 = FloatVector.fromArray(S, c, c0 + 3 * L);
    for (int k = kLo; k < kHi; k++) {
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + k * aks]);
      int bk = b0 + k * bld;
      c00 = FloatVector.fromArray(S, b, bk).fma(x0, c00);
      c01 = FloatVector.fromArray(S, b, bk + L).fma(x0, c01);
      c02 = FloatVector.fromArray(S, b, bk + 2 * L).fma(x0, c02);
      c03 = FloatVector.fromArray(S, b, bk + 3 * L).fma(x0, c03);
    }
    c00.intoArray(c, c0);
    c01.intoArray(c, c0 + L);
    c02.intoArray(c, c0 + 2 * L);
    c03.intoArray(c, c0 + 3 * L);
  }
}
