package org.anisoscope.util;

import com.google.common.base.Preconditions;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The training step's own worker threads: a range is cut into one contiguous part per thread, the caller runs the
 * first part and the pool the others. The thread count is {@code -Danisoscope.threads}, else {@code OMP_NUM_THREADS},
 * else the number of cores (run.sh sets {@code OMP_NUM_THREADS}; see README, "Threads").
 *
 * <p>BLAS calls made from these threads run single-threaded ({@link org.anisoscope.model.Blas}): splitting one GEMM
 * into per-thread row blocks, and a batch of small GEMMs into per-thread halves, measured faster than OpenBLAS's own
 * threading on the 2-core machine (ND4J-NOTES.md; README "Speed").
 */
public final class Parallel {
  private static final int THREADS = threadCount();
  private static final ExecutorService POOL = THREADS > 1 ? Executors.newFixedThreadPool(THREADS - 1, daemons()) : null;

  /** A piece of work over {@code [lo, hi)}. */
  @FunctionalInterface
  public interface Range {
    void run(int lo, int hi);
  }

  /** Part {@code part} of {@link #parts} over {@code [lo, hi)}. */
  @FunctionalInterface
  public interface Part {
    void run(int part, int lo, int hi);
  }

  private Parallel() {
  }

  public static int threads() {
    return THREADS;
  }

  /**
   * Runs {@code body} over {@code [0, n)} in at most {@link #threads()} contiguous parts; returns when all are done.
   * With {@code n < minPerThread · 2} (or one thread) it runs on the caller only.
   */
  public static void forRange(int n, int minPerThread, Range body) {
    forParts(n, minPerThread, (part, lo, hi) -> body.run(lo, hi));
  }

  /** How many parts {@link #forParts} cuts {@code [0, n)} into. */
  public static int parts(int n, int minPerThread) {
    return Math.min(THREADS, Math.max(1, n / Math.max(1, minPerThread)));
  }

  /**
   * As {@link #forRange}, telling each part its index in {@code [0, parts(n, minPerThread))}: per-part partial
   * results combined in part order do not depend on which thread finished first (reproducible sums).
   */
  public static void forParts(int n, int minPerThread, Part body) {
    int parts = parts(n, minPerThread);
    if (parts <= 1) {
      body.run(0, 0, n);
      return;
    }
    @SuppressWarnings("unchecked")
    Future<?>[] futures = new Future<?>[parts - 1];
    for (int p = 1; p < parts; p++) {
      int lo = (int) ((long) n * p / parts);
      int hi = (int) ((long) n * (p + 1) / parts);
      int part = p;
      futures[p - 1] = POOL.submit(() -> body.run(part, lo, hi));
    }
    RuntimeException failure = null;
    try {
      body.run(0, 0, (int) ((long) n / parts));
    } catch (RuntimeException e) {
      failure = e;
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a worker", e);
      } catch (java.util.concurrent.ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static int threadCount() {
    String prop = System.getProperty("anisoscope.threads");
    String env = System.getenv("OMP_NUM_THREADS");
    int n = Runtime.getRuntime().availableProcessors();
    try {
      if (prop != null) {
        n = Integer.parseInt(prop.trim());
      } else if (env != null && !env.isBlank()) {
        n = Integer.parseInt(env.trim().split(",")[0]);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("thread count: expected a whole number, got '"
          + (prop != null ? prop : env) + "' (-Danisoscope.threads or OMP_NUM_THREADS)");
    }
    Preconditions.checkArgument(n >= 1, "thread count must be at least 1, got %s", n);
    return n;
  }

  private static ThreadFactory daemons() {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "anisoscope-worker-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
