package org.anisoscope.metrics;

import com.google.common.base.Preconditions;
import java.lang.ref.WeakReference;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The second moments of one {@link HookVectors} and their eigen-decompositions, shared by the spectral metrics
 * ({@code pc1_share}, {@code eff_rank}, {@code isoscore}, {@code partition_iw}).
 *
 * <p>One pass computes the centred scatter {@code C = Σ (x_i − μ)(x_i − μ)ᵀ} with ND4J GEMM in double precision,
 * O(N·d²); the uncentred one follows as {@code XᵀX = C + N μμᵀ} without cancellation (the reverse, {@code XᵀX −
 * N μμᵀ}, would lose the small centred eigenvalues of strongly anisotropic data, whose mean dominates). The
 * squared singular values of X (centred or not) are the eigenvalues of these matrices, from LAPACK {@code syev}.
 *
 * <p>A one-slot cache lets the four metrics computed on the same vectors share one GEMM and one decomposition
 * each. It is keyed on the identity of the {@link HookVectors} <em>and</em> a checksum of its data (O(N·d), a few
 * per cent of the GEMM), so a caller that refills a reused buffer never gets stale moments.
 */
final class SecondMoments {
  final int n;
  final int d;
  /** {@code [d]} column means μ. */
  final double[] mean;
  /** {@code [d, d]} f-order, Σ (x_i − μ)(x_i − μ)ᵀ. */
  private final INDArray centredScatter;
  private double[] centredEigenvalues;
  private double[] uncentredEigenvalues;
  private INDArray uncentredEigenvectors;

  private static WeakReference<HookVectors> cachedFor = new WeakReference<>(null);
  private static long cachedChecksum;
  private static SecondMoments cached;

  SecondMoments(HookVectors v) {
    n = v.n();
    d = v.d();
    mean = ColumnMeans.of(v);
    centredScatter = Nd4j.create(DataType.DOUBLE, new long[] {d, d}, 'f'); // [d, d]
    RowBlocks.forEach(v, mean, (block, first, rows) ->
        Nd4j.gemm(block, block, centredScatter, true, false, 1.0, 1.0)); // [d, rows]·[rows, d]
  }

  /**
   * The moments of {@code v}: those of this thread's open {@link SharedStatistics} scope for {@code v}, else shared
   * with the previous caller if it asked for the same object with the same data.
   */
  static SecondMoments of(HookVectors v) {
    SharedStatistics scope = SharedStatistics.of(v);
    return scope != null ? scope.moments() : cachedOf(v);
  }

  private static synchronized SecondMoments cachedOf(HookVectors v) {
    long checksum = checksum(v);
    if (cachedFor.get() != v || cachedChecksum != checksum) {
      cached = null; // let the old matrices go before building new ones
      cached = new SecondMoments(v);
      cachedFor = new WeakReference<>(v);
      cachedChecksum = checksum;
    }
    return cached;
  }

  /**
   * An order-sensitive hash of the shape and the data's bits: four interleaved multiply-add chains (element k feeds
   * chain k mod 4), combined at the end. One chain is a serial dependency of 64-bit multiplies; four run side by side
   * (measured: the single chain took ~1 s of a 10 s probe with every metric, four times per hook).
   */
  static long checksum(HookVectors v) {
    long seed = 1469598103934665603L ^ v.n() ^ ((long) v.d() << 32);
    long h0 = seed;
    long h1 = seed + 1;
    long h2 = seed + 2;
    long h3 = seed + 3;
    float[] x = v.data();
    int k = 0;
    for (; k + 4 <= x.length; k += 4) {
      h0 = h0 * 0x100000001b3L + Float.floatToRawIntBits(x[k]);
      h1 = h1 * 0x100000001b3L + Float.floatToRawIntBits(x[k + 1]);
      h2 = h2 * 0x100000001b3L + Float.floatToRawIntBits(x[k + 2]);
      h3 = h3 * 0x100000001b3L + Float.floatToRawIntBits(x[k + 3]);
    }
    for (; k < x.length; k++) {
      h0 = h0 * 0x100000001b3L + Float.floatToRawIntBits(x[k]);
    }
    return ((h0 * 0x100000001b3L + h1) * 0x100000001b3L + h2) * 0x100000001b3L + h3;
  }

  /** Forgets the cached moments (benchmarks use it to time each metric on its own). */
  static synchronized void clearCache() {
    cached = null;
    cachedFor = new WeakReference<>(null);
  }

  /** {@code [d, d]} the centred scatter itself (for tests): do not modify. */
  INDArray centredScatter() {
    return centredScatter;
  }

  /** Eigenvalues of the centred scatter, ascending, negatives from rounding clamped to 0. */
  synchronized double[] centredEigenvalues() {
    if (centredEigenvalues == null) {
      centredEigenvalues = eigen(centredScatter.dup('f'), false);
    }
    return centredEigenvalues;
  }

  /** Eigenvalues of {@code XᵀX} (the squared singular values of X), ascending, clamped at 0. */
  synchronized double[] uncentredEigenvalues() {
    if (uncentredEigenvalues == null) {
      uncentredEigenvalues = eigen(uncentredScatter(), false);
    }
    return uncentredEigenvalues;
  }

  /** {@code [d, d]} f-order: column k is the unit eigenvector of {@code XᵀX} for {@link #uncentredEigenvalues()}[k]. */
  synchronized INDArray uncentredEigenvectors() {
    if (uncentredEigenvectors == null) {
      INDArray a = uncentredScatter();
      uncentredEigenvalues = eigen(a, true);
      uncentredEigenvectors = a;
    }
    return uncentredEigenvectors;
  }

  /** {@code Σ ‖x_i‖²}, the trace of {@code XᵀX}. */
  double uncentredTrace() {
    double t = 0;
    for (int j = 0; j < d; j++) {
      t += centredScatter.getDouble(j, j) + n * mean[j] * mean[j];
    }
    return t;
  }

  /** A new f-order {@code XᵀX = C + N μμᵀ}. */
  private INDArray uncentredScatter() {
    INDArray g = centredScatter.dup('f');
    INDArray mu = Nd4j.createFromArray(mean).reshape(d, 1); // [d, 1]
    Nd4j.gemm(mu, mu, g, false, true, n, 1.0); // rank-1 update
    return g;
  }

  /** Eigenvalues (ascending, clamped at 0) of symmetric {@code a}; with vectors, {@code a} is overwritten by them. */
  private static double[] eigen(INDArray a, boolean vectors) {
    INDArray values = Nd4j.create(DataType.DOUBLE, a.rows());
    int info = Nd4j.getBlasWrapper().lapack().syev(vectors ? 'V' : 'N', 'L', a, values);
    Preconditions.checkState(info == 0, "LAPACK syev failed on a %sx%s matrix: info %s", a.rows(), a.rows(), info);
    double[] ev = values.toDoubleVector();
    for (int k = 0; k < ev.length; k++) {
      ev[k] = Math.max(0, ev[k]);
    }
    return ev;
  }
}
