package org.anisoscope.metrics;

import com.google.common.base.Preconditions;

/**
 * A scope in which the metrics computed on one {@link HookVectors}, one after the other on the same thread, share
 * their intermediate results: the column means ({@code cos_mean_centered}, {@code outlier_dims}, the
 * moments), the second moments and their eigen-decompositions ({@link SecondMoments}: {@code
 * pc1_share}, {@code eff_rank}, {@code isoscore}, {@code partition_iw}) and the uncentred unit-vector sums
 * ({@link UnitVectorSums}: {@code cos_mean}, {@code cos_mean_intra}, {@code cos_mean_inter}, the bootstrap).
 *
 * <pre>
 * try (SharedStatistics s = SharedStatistics.open(v)) {
 *   for (Metric m : metrics) values.putAll(m.compute(v));
 * }
 * </pre>
 *
 * <p>Why not only the one-slot caches of {@link SecondMoments} and {@link UnitVectorSums}: they cannot know that a
 * caller did not refill the buffer between two calls, so every call pays a checksum of the whole data (O(N·d),
 * eight per hook with every metric; about a tenth of a probe's time). Inside a scope the caller promises the data
 * does not change, so the statistics are built once and looked up by identity. The scope is per thread, so the
 * probe computes several hooks side by side, each in its own scope; outside any scope the metrics fall back to the
 * checksummed caches and give the same values (the same code computes them; {@code SharedStatisticsTest}).
 */
public final class SharedStatistics implements AutoCloseable {
  private static final ThreadLocal<SharedStatistics> CURRENT = new ThreadLocal<>();

  private final HookVectors vectors;
  private final SharedStatistics previous;
  private final Thread owner;
  private double[] means;
  private SecondMoments moments;
  private UnitVectorSums sums;
  private boolean closed;

  private SharedStatistics(HookVectors vectors, SharedStatistics previous) {
    this.vectors = vectors;
    this.previous = previous;
    this.owner = Thread.currentThread();
  }

  /**
   * Opens a scope for {@code v} on this thread (nested scopes restore the outer one on close). {@code v}'s data must
   * not change until {@link #close()}.
   */
  public static SharedStatistics open(HookVectors v) {
    Preconditions.checkNotNull(v, "vectors");
    SharedStatistics s = new SharedStatistics(v, CURRENT.get());
    CURRENT.set(s);
    return s;
  }

  /** The open scope of this thread for exactly {@code v} (identity), or {@code null}. */
  static SharedStatistics of(HookVectors v) {
    SharedStatistics s = CURRENT.get();
    return s != null && s.vectors == v ? s : null;
  }

  /** The column means; callers only read them. */
  double[] means() {
    if (means == null) {
      means = ColumnMeans.compute(vectors);
    }
    return means;
  }

  SecondMoments moments() {
    if (moments == null) {
      moments = new SecondMoments(vectors);
    }
    return moments;
  }

  UnitVectorSums sums() {
    if (sums == null) {
      sums = UnitVectorSums.compute(vectors, null);
    }
    return sums;
  }

  @Override
  public void close() {
    Preconditions.checkState(Thread.currentThread() == owner, "a SharedStatistics scope must be closed on the thread "
        + "that opened it (%s), not %s", owner.getName(), Thread.currentThread().getName());
    if (closed) {
      return;
    }
    closed = true;
    if (previous == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(previous);
    }
    means = null;
    moments = null;
    sums = null;
  }
}
