package org.anisoscope.model;

import com.google.common.base.Preconditions;
import org.anisoscope.util.Parallel;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix products of the model: {@code C = α·op(A)·op(B) + β·C} for matrices and for batches of matrices.
 *
 * <p>On the CPU backend the products call OpenBLAS's {@code cblas_?gemm} directly on the arrays' memory (the same
 * library ND4J links), single-threaded per call, with the work cut across {@link Parallel}'s threads: one GEMM by
 * row (or column) blocks of C, a batch by its matrices. ND4J M2.1's batched {@code matmul} does not use BLAS for
 * rank-3 arrays (≈ 25 GFLOP/s on the attention products), and a loop of {@code Nd4j.gemm} calls pays ND4J's
 * per-op overhead each time. On another backend (CUDA) or for arrays whose rows are not contiguous, the same call
 * goes to {@code Nd4j.gemm} / {@code Nd4j.matmul}.
 */
public final class Blas {
  private static final boolean NATIVE = nativeCpu();
  /**
   * Below this many multiply-adds a GEMM (or a batch of them) runs on the calling thread alone. 2²² (4·10⁶) splits
   * the linear layers of batch 12 × 64 tokens ([768, 128]·[128, 512] is 5·10⁷) as well as those of 32 × 128: with
   * the JIT warmed up (bench.sh's 5 s), the B 12 × T 64 step took a median 76 ms against 83 with 2²⁶ (7 alternating
   * pairs, 6 faster), and B 32 × T 128 stayed the same (320 against 323).
   */
  private static volatile long splitWork = Long.getLong("anisoscope.gemm-split-work", 1L << 22);

  private Blas() {
  }

  /** Sets the splitting threshold in multiply-adds (tests use a small one to exercise the split); returns the old. */
  public static long setSplitWork(long multiplyAdds) {
    long was = splitWork;
    splitWork = multiplyAdds;
    return was;
  }

  /** Whether products go straight to OpenBLAS (CPU backend) rather than through ND4J's ops. */
  public static boolean direct() {
    return NATIVE;
  }

  /** {@code c = α·op(a)·op(b) + β·c} for matrices {@code a}, {@code b}, {@code c}. */
  public static void gemm(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb, double alpha, double beta) {
    Preconditions.checkArgument(a.rank() == 2 && b.rank() == 2 && c.rank() == 2, "gemm takes matrices");
    if (!usable(a, b, c)) {
      Nd4j.gemm(a, b, c, ta, tb, alpha, beta);
      return;
    }
    int m = (int) c.size(0);
    int n = (int) c.size(1);
    int k = (int) (ta ? a.size(0) : a.size(1));
    Preconditions.checkArgument((ta ? a.size(1) : a.size(0)) == m && (tb ? b.size(0) : b.size(1)) == n
            && (tb ? b.size(1) : b.size(0)) == k, "gemm shapes: op(a) %s, op(b) %s, c %s",
        shapeOf(a, ta), shapeOf(b, tb), java.util.Arrays.toString(c.shape()));
    Mat ma = Mat.of(a, ta);
    Mat mb = Mat.of(b, tb);
    Mat mc = Mat.of(c, false);
    boolean dbl = c.dataType() == DataType.DOUBLE;
    long work = (long) m * n * k;
    int parts = work < splitWork || Parallel.inUse() ? 1 : Parallel.threads();
    if (parts <= 1) {
      call(dbl, ma, 0, mb, 0, mc, 0, m, n, k, alpha, beta);
      return;
    }
    if (m >= n) { // row blocks of C: rows of op(a)
      Parallel.forRange(m, Math.max(1, m / parts), (lo, hi) ->
          call(dbl, ma, ma.rowOffset(lo), mb, 0, mc, (long) lo * mc.ld, hi - lo, n, k, alpha, beta));
    } else {      // column blocks of C: columns of op(b)
      Parallel.forRange(n, Math.max(1, n / parts), (lo, hi) ->
          call(dbl, ma, 0, mb, mb.colOffset(lo), mc, lo, m, hi - lo, k, alpha, beta));
    }
  }

  /**
   * Two independent products, {@code c1 = op(a1)·op(b1) + β₁c1} and {@code c2 = op(a2)·op(b2)}, one per thread
   * when there are two threads (a whole GEMM per thread runs nearer the BLAS peak than two halves of each); else one
   * after the other.
   */
  public static void gemmPair(INDArray a1, INDArray b1, INDArray c1, boolean ta1, boolean tb1, double beta1,
      INDArray a2, INDArray b2, INDArray c2, boolean ta2, boolean tb2) {
    gemmPair(a1, b1, c1, ta1, tb1, beta1, a2, b2, c2, ta2, tb2, null);
  }

  /**
   * As {@link #gemmPair(INDArray, INDArray, INDArray, boolean, boolean, double, INDArray, INDArray, INDArray,
   * boolean, boolean)}, then {@code then} (null: nothing) on the second product's thread once that product is done:
   * small work that fills the time that thread would wait for the first (a weight gradient, the slower of a linear
   * layer's two products on one core). It runs on that thread alone: a {@link Parallel} split inside it runs its
   * parts one after the other, with the same per-part sums (the same bits).
   */
  public static void gemmPair(INDArray a1, INDArray b1, INDArray c1, boolean ta1, boolean tb1, double beta1,
      INDArray a2, INDArray b2, INDArray c2, boolean ta2, boolean tb2, Runnable then) {
    if (!NATIVE || Parallel.threads() < 2 || !usable(a1, b1, c1) || !usable(a2, b2, c2)) {
      gemm(a1, b1, c1, ta1, tb1, 1.0, beta1);
      gemm(a2, b2, c2, ta2, tb2, 1.0, 0.0);
      if (then != null) {
        then.run();
      }
      return;
    }
    Parallel.forParts(2, 1, (part, lo, hi) -> {
      if (part == 0) {
        gemm(a1, b1, c1, ta1, tb1, 1.0, beta1); // nested: runs on this thread alone
      } else {
        gemm(a2, b2, c2, ta2, tb2, 1.0, 0.0);
        if (then != null) {
          then.run();
        }
      }
    });
  }

  /** Two independent batched products ({@link #batched}), one per thread when there are two. */
  public static void batchedPair(INDArray a1, INDArray b1, INDArray c1, boolean ta1, boolean tb1,
      INDArray a2, INDArray b2, INDArray c2, boolean ta2, boolean tb2) {
    if (!NATIVE || Parallel.threads() < 2 || !usable(a1, b1, c1) || !usable(a2, b2, c2)) {
      batched(a1, b1, c1, ta1, tb1);
      batched(a2, b2, c2, ta2, tb2);
      return;
    }
    Parallel.forParts(2, 1, (part, lo, hi) -> {
      if (part == 0) {
        batched(a1, b1, c1, ta1, tb1);
      } else {
        batched(a2, b2, c2, ta2, tb2);
      }
    });
  }

  /**
   * {@code c[i] = op(a[i])·op(b[i])} for every matrix {@code i} of rank-3 arrays {@code [batch, rows, cols]}
   * (as {@code Nd4j.matmul(a, b, c, ta, tb, false)}).
   */
  public static void batched(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb) {
    Preconditions.checkArgument(a.rank() == 3 && b.rank() == 3 && c.rank() == 3, "batched gemm takes rank-3 arrays");
    if (!usable(a, b, c)) {
      Nd4j.matmul(a, b, c, ta, tb, false);
      return;
    }
    int batch = (int) c.size(0);
    int m = (int) c.size(1);
    int n = (int) c.size(2);
    int k = (int) (ta ? a.size(1) : a.size(2));
    Preconditions.checkArgument(a.size(0) == batch && b.size(0) == batch
            && (ta ? a.size(2) : a.size(1)) == m && (tb ? b.size(1) : b.size(2)) == n
            && (tb ? b.size(2) : b.size(1)) == k,
        "batched gemm shapes: a %s, b %s, c %s", java.util.Arrays.toString(a.shape()),
        java.util.Arrays.toString(b.shape()), java.util.Arrays.toString(c.shape()));
    Mat ma = Mat.of(a, ta);
    Mat mb = Mat.of(b, tb);
    Mat mc = Mat.of(c, false);
    boolean dbl = c.dataType() == DataType.DOUBLE;
    long sa = a.stride(0);
    long sb = b.stride(0);
    long sc = c.stride(0);
    long work = (long) batch * m * n * k;
    Parallel.forRange(batch, work < splitWork ? batch : 1, (lo, hi) -> {
      for (int i = lo; i < hi; i++) {
        call(dbl, ma, i * sa, mb, i * sb, mc, i * sc, m, n, k, 1.0, 0.0);
      }
    });
  }

  /**
   * {@code B·H} row-major matrices of {@code rows × cols} inside one plain buffer: matrix {@code i = b·H + h} starts
   * at element {@code offset + b·strideB + h·strideH}, rows {@code ld} apart. Lets the attention read q, k, v
   * straight out of the {@code [B·T, 3C]} projection (head h of part p at column {@code p·C + h·D}, ld 3C) and
   * write its per-head outputs straight into {@code [B·T, C]} rows, without the head copies.
   */
  public record Heads(INDArray base, long offset, long strideB, long strideH, int heads, int rows, int cols, int ld) {
    /** A plain {@code [B·H, rows, cols]} buffer (or a reshape of {@code [B, H, rows, cols]}). */
    public static Heads of(INDArray plain, int heads, int rows, int cols) {
      return new Heads(plain, 0, (long) heads * rows * cols, (long) rows * cols, heads, rows, cols, cols);
    }

    long at(int i) {
      return offset + (long) (i / heads) * strideB + (long) (i % heads) * strideH;
    }
  }

  /** Whether {@link #batchedHeads} can run on these buffers (CPU backend, one float type, plain c-order buffers). */
  public static boolean headsUsable(INDArray... buffers) {
    if (!NATIVE) {
      return false;
    }
    for (INDArray x : buffers) {
      DataType t = x.dataType();
      if ((t != DataType.FLOAT && t != DataType.DOUBLE) || t != buffers[0].dataType() || x.ordering() != 'c'
          || x.offset() != 0 || x.length() != x.data().length()
          || !org.nd4j.linalg.api.shape.Shape.hasDefaultStridesForShape(x)) {
        return false;
      }
    }
    return true;
  }

  /** {@code c[i] = op(a[i])·op(b[i])} for the {@code count} matrices of {@link Heads} operands. */
  public static void batchedHeads(int count, Heads a, boolean ta, Heads b, boolean tb, Heads c) {
    int m = c.rows();
    int n = c.cols();
    int k = ta ? a.rows() : a.cols();
    Preconditions.checkArgument((ta ? a.cols() : a.rows()) == m && (tb ? b.rows() : b.cols()) == n
        && (tb ? b.cols() : b.rows()) == k, "batched gemm shapes: a %s×%s, b %s×%s, c %s×%s", a.rows(), a.cols(),
        b.rows(), b.cols(), m, n);
    Mat ma = new Mat(a.base(), ta, a.ld());
    Mat mb = new Mat(b.base(), tb, b.ld());
    Mat mc = new Mat(c.base(), false, c.ld());
    boolean dbl = c.base().dataType() == DataType.DOUBLE;
    long work = (long) count * m * n * k;
    Parallel.forRange(count, work < splitWork ? count : 1, (lo, hi) -> {
      for (int i = lo; i < hi; i++) {
        call(dbl, ma, a.at(i), mb, b.at(i), mc, c.at(i), m, n, k, 1.0, 0.0);
      }
    });
  }

  /** Two independent {@link #batchedHeads} products, one per thread when there are two. */
  public static void batchedHeadsPair(int count, Heads a1, boolean ta1, Heads b1, boolean tb1, Heads c1,
      Heads a2, boolean ta2, Heads b2, boolean tb2, Heads c2) {
    Parallel.forParts(2, 1, (part, lo, hi) -> {
      if (part == 0) {
        batchedHeads(count, a1, ta1, b1, tb1, c1);
      } else {
        batchedHeads(count, a2, ta2, b2, tb2, c2);
      }
    });
  }

  private static void call(boolean dbl, Mat a, long offA, Mat b, long offB, Mat c, long offC, int m, int n, int k,
      double alpha, double beta) {
    int order = openblas_nolapack.CblasRowMajor;
    int transA = a.trans ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
    int transB = b.trans ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
    if (dbl) {
      openblas_nolapack.cblas_dgemm(order, transA, transB, m, n, k, alpha,
          new DoublePointer(a.dptr).position(offA), a.ld, new DoublePointer(b.dptr).position(offB), b.ld, beta,
          new DoublePointer(c.dptr).position(offC), c.ld);
    } else {
      openblas_nolapack.cblas_sgemm(order, transA, transB, m, n, k, (float) alpha,
          new FloatPointer(a.fptr).position(offA), a.ld, new FloatPointer(b.fptr).position(offB), b.ld, (float) beta,
          new FloatPointer(c.fptr).position(offC), c.ld);
    }
  }

  /** A row-major operand: its memory, leading dimension and whether it enters transposed. */
  private record Mat(FloatPointer fptr, DoublePointer dptr, int ld, boolean trans) {
    Mat(INDArray base, boolean trans, int ld) {
      this(base.dataType() == DataType.DOUBLE ? null : new FloatPointer(base.data().addressPointer()),
          base.dataType() == DataType.DOUBLE ? new DoublePointer(base.data().addressPointer()) : null, ld, trans);
    }

    static Mat of(INDArray x, boolean trans) {
      int r = x.rank();
      int ld = x.size(r - 2) == 1 ? (int) Math.max(1, x.size(r - 1)) : (int) x.stride(r - 2);
      if (x.dataType() == DataType.DOUBLE) {
        return new Mat(null, new DoublePointer(x.data().addressPointer()), ld, trans);
      }
      return new Mat(new FloatPointer(x.data().addressPointer()), null, ld, trans);
    }

    /** Element offset of row {@code r} of op(this). */
    long rowOffset(int r) {
      return trans ? r : (long) r * ld;
    }

    /** Element offset of column {@code j} of op(this). */
    long colOffset(int j) {
      return trans ? (long) j * ld : j;
    }
  }

  /** Same float or double type, unit stride along the last dimension, rows at a positive stride. */
  private static boolean usable(INDArray a, INDArray b, INDArray c) {
    if (!NATIVE) {
      return false;
    }
    DataType t = c.dataType();
    if ((t != DataType.FLOAT && t != DataType.DOUBLE) || a.dataType() != t || b.dataType() != t) {
      return false;
    }
    for (INDArray x : new INDArray[] {a, b, c}) {
      int r = x.rank();
      if (x.isEmpty() || x.stride(r - 1) != 1 && x.size(r - 1) != 1
          || x.size(r - 2) > 1 && x.stride(r - 2) < Math.max(1, x.size(r - 1))) {
        return false;
      }
      if (r == 3 && x.size(0) > 1 && x.stride(0) < x.size(1) * x.stride(1)) {
        return false;
      }
    }
    return true;
  }

  private static String shapeOf(INDArray x, boolean t) {
    return t ? "[" + x.size(1) + ", " + x.size(0) + "]" : java.util.Arrays.toString(x.shape());
  }

  private static boolean nativeCpu() {
    if (Boolean.getBoolean("anisoscope.nd4j-gemm")) {
      return false;
    }
    if (!Nd4j.getBackend().getClass().getName().endsWith("CpuBackend")) {
      return false;
    }
    try {
      openblas_nolapack.blas_set_num_threads(1);
      return true;
    } catch (LinkageError e) {
      return false;
    }
  }
}
