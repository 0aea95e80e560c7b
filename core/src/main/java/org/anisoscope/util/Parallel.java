package org.anisoscope.util;

import com.google.common.base.Preconditions;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;


/**
 * The training step's own worker threads: a range is cut into one contiguous part per thread, the caller runs the
 * first part and the pool the others. The thread count is {@code -Danisoscope.threads}, else {@code OMP_NUM_THREADS},
 * else the number of cores (run.sh sets {@code OMP_NUM_THREADS}; see benchmarks/README.md,
 * "How the Java step is made fast").
 *
 * <p>BLAS calls made from these threads run single-threaded ({@link org.anisoscope.model.Blas}): splitting one GEMM
 * into per-thread row blocks, and a batch of small GEMMs into per-thread halves, measured faster than OpenBLAS's own
 * threading on the 2-core machine (benchmarks/README.md).
 */
public final class Parallel {
  private static final int THREADS = threadCount();
  /** How long a worker (or the caller) spins for the next task (or the workers' end) before it parks. */
  private static final long SPIN_NS = 100_000;
  private static final Worker[] WORKERS = startWorkers(THREADS - 1);
  /** One split at a time; a second caller, or a nested call (also from the caller's own part), runs its parts itself. */
  private static final AtomicBoolean IN_USE = new AtomicBoolean();

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

  /** True while a split runs (work started now from any thread would run on that thread alone). */
  public static boolean inUse() {
    return IN_USE.get() || Thread.currentThread() instanceof Worker;
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
    if (Thread.currentThread() instanceof Worker || !IN_USE.compareAndSet(false, true)) {
      for (int p = 0; p < parts; p++) { // nested or concurrent call: the same parts, one after the other
        body.run(p, (int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts));
      }
      return;
    }
    try {
      Thread caller = Thread.currentThread();
      for (int p = 1; p < parts; p++) {
        int lo = (int) ((long) n * p / parts);
        int hi = (int) ((long) n * (p + 1) / parts);
        int part = p;
        WORKERS[p - 1].submit(() -> body.run(part, lo, hi), caller);
      }
      Throwable failure = null;
      try {
        body.run(0, 0, (int) ((long) n / parts));
      } catch (RuntimeException | Error e) {
        failure = e;
      }
      for (int p = 1; p < parts; p++) {
        Throwable f = WORKERS[p - 1].await();
        if (failure == null) {
          failure = f;
        }
      }
      if (failure instanceof RuntimeException r) {
        throw r;
      } else if (failure instanceof Error e) {
        throw e;
      }
    } finally {
      IN_USE.set(false);
    }
  }

  /** A daemon thread that runs one task at a time, spinning briefly for the next before it parks. */
  private static final class Worker extends Thread {
    private volatile Runnable task;
    private volatile boolean busy;
    private volatile Thread waiter;
    private volatile Throwable failure;

    Worker(int index) {
      super("anisoscope-worker-" + index);
      setDaemon(true);
    }

    void submit(Runnable r, Thread caller) {
      failure = null;
      waiter = caller;
      busy = true;
      task = r;
      LockSupport.unpark(this);
    }

    /** Waits until the submitted task has run; returns what it threw, or null. */
    Throwable await() {
      long until = System.nanoTime() + SPIN_NS;
      while (busy) {
        if (System.nanoTime() < until) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      return failure;
    }

    @Override
    public void run() {
      while (true) {
        Runnable r = task;
        if (r == null) {
          long until = System.nanoTime() + SPIN_NS;
          while ((r = task) == null && System.nanoTime() < until) {
            Thread.onSpinWait();
          }
          if (r == null) {
            LockSupport.park(this);
            continue;
          }
        }
        task = null;
        try {
          r.run();
        } catch (Throwable t) {
          failure = t;
        }
        busy = false;
        LockSupport.unpark(waiter);
      }
    }
  }

  private static Worker[] startWorkers(int n) {
    Worker[] w = new Worker[Math.max(0, n)];
    for (int i = 0; i < w.length; i++) {
      w[i] = new Worker(i + 1);
      w[i].start();
    }
    return w;
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

}
