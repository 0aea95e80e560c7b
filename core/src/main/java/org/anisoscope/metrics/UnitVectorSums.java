package org.anisoscope.metrics;

import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-sequence sums of unit vectors {@code U_s = Σ_{i∈s} x_i/‖x_i‖} and row counts, the sufficient statistics of
 * every mean-cosine quantity: the mean cosine over the distinct pairs of a set with unit-vector sum {@code U} and
 * {@code n} rows is {@code (‖U‖² − n) / (n(n − 1))}, because {@code ‖U‖² = n + Σ_{i≠j} cos(x_i, x_j)}.
 *
 * <p>Zero-norm rows (after centring, if a centre is given) have no direction: they are skipped, so they count
 * neither in {@code U} nor in {@code n}. One pass over the data, O(N·d), in double precision.
 */
final class UnitVectorSums {
  /** Distinct sequence ids in order of first appearance (sequences whose rows are all zero included, count 0). */
  final int[] ids;
  /** {@code [S][d]} per-sequence sums of unit vectors. */
  final double[][] sums;
  /** {@code [S]} non-zero rows per sequence. */
  final long[] counts;
  final int d;

  private UnitVectorSums(int[] ids, double[][] sums, long[] counts, int d) {
    this.ids = ids;
    this.sums = sums;
    this.counts = counts;
    this.d = d;
  }

  private static WeakReference<HookVectors> cachedFor = new WeakReference<>(null);
  private static long cachedChecksum;
  private static UnitVectorSums cached;

  /**
   * @param centre subtracted from every row before normalising, or {@code null}. The uncentred sums are shared by
   *     the metrics computed on the same vectors one after the other ({@code cos_mean}, {@code cos_mean_intra},
   *     {@code cos_mean_inter}, the bootstrap): a one-slot cache keyed, like {@link SecondMoments}'s, on the
   *     object's identity and a checksum of its data and sequence ids, so a refilled buffer is never served stale sums.
   */
  static UnitVectorSums of(HookVectors v, double[] centre) {
    if (centre != null) {
      return compute(v, centre);
    }
    SharedStatistics scope = SharedStatistics.of(v);
    if (scope != null) {
      return scope.sums();
    }
    // the sums depend on the rows' sequence ids too
    long checksum = SecondMoments.checksum(v) * 31 + java.util.Arrays.hashCode(v.sequenceIds());
    synchronized (UnitVectorSums.class) {
      if (cachedFor.get() == v && cachedChecksum == checksum) {
        return cached;
      }
    }
    UnitVectorSums sums = compute(v, null);
    synchronized (UnitVectorSums.class) {
      cached = sums;
      cachedFor = new WeakReference<>(v);
      cachedChecksum = checksum;
    }
    return sums;
  }

  /** Forgets the cached sums (benchmarks use it to time each metric on its own). */
  static synchronized void clearCache() {
    cached = null;
    cachedFor = new WeakReference<>(null);
  }

  static UnitVectorSums compute(HookVectors v, double[] centre) {
    int n = v.n();
    int d = v.d();
    float[] x = v.data();
    int[] seq = v.sequenceIds();
    Map<Integer, Integer> index = new HashMap<>();
    int[] ids = new int[Math.max(1, n)];
    double[][] sums = new double[Math.max(1, n)][];
    long[] counts = new long[Math.max(1, n)];
    int s = 0;
    int lastId = 0;
    int lastIndex = -1;
    double[] row = new double[d];
    for (int i = 0; i < n; i++) {
      int id = seq[i];
      int k;
      if (lastIndex >= 0 && id == lastId) {
        k = lastIndex; // rows of one sequence are usually contiguous: skip the map
      } else {
        Integer known = index.get(id);
        if (known == null) {
          known = s++;
          index.put(id, known);
          ids[known] = id;
          sums[known] = new double[d];
        }
        k = known;
        lastId = id;
        lastIndex = k;
      }
      int off = i * d;
      double sq = 0;
      for (int j = 0; j < d; j++) {
        double xj = centre == null ? x[off + j] : x[off + j] - centre[j];
        row[j] = xj;
        sq += xj * xj;
      }
      if (sq == 0) {
        continue;
      }
      double inv = 1 / Math.sqrt(sq);
      double[] sum = sums[k];
      for (int j = 0; j < d; j++) {
        sum[j] += row[j] * inv;
      }
      counts[k]++;
    }
    return new UnitVectorSums(java.util.Arrays.copyOf(ids, s), java.util.Arrays.copyOf(sums, s),
        java.util.Arrays.copyOf(counts, s), d);
  }

  int sequences() {
    return ids.length;
  }

  /** {@code Σ_s U_s}. */
  double[] total() {
    double[] t = new double[d];
    for (double[] sum : sums) {
      for (int j = 0; j < d; j++) {
        t[j] += sum[j];
      }
    }
    return t;
  }

  long totalCount() {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    return n;
  }

  /** Mean cosine over the distinct pairs of a set with unit-vector sum {@code u} and {@code n} rows; NaN if n < 2. */
  static double meanPairwiseCosine(double[] u, long n) {
    return meanPairwiseCosine(squaredNorm(u), n);
  }

  static double meanPairwiseCosine(double squaredNormOfSum, long n) {
    if (n < 2) {
      return Double.NaN;
    }
    double nn = n;
    return (squaredNormOfSum - nn) / (nn * (nn - 1));
  }

  static double squaredNorm(double[] u) {
    double s = 0;
    for (double x : u) {
      s += x * x;
    }
    return s;
  }
}
