package org.anisoscope.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Times every metric on 100 000 × 512 seeded Gaussian vectors plus a common offset (so they are anisotropic, like
 * real hidden states), in 100 sequences of 1000 rows: one warm-up, then the median of 3 runs per metric, the
 * spectral cache cleared before each run so every metric pays for its own GEMM. Also times the four spectral
 * metrics together (sharing one GEMM, as a probe computes them) and the cos_mean bootstrap.
 *
 * <pre>OMP_NUM_THREADS=2 experiments/bench-metrics.sh [N] [d]</pre>
 * Target on the project's 2-core machine: the O(N·d) metrics together under 2 s.
 */
public final class MetricsBenchmark {
  static final Set<String> LINEAR = Set.of(MeanPairwiseCosine.NAME, IntraSequenceCosine.NAME,
      CentredPairwiseCosine.NAME, NormMeanRatio.NAME, OutlierDimensions.NAME);
  static final List<String> SPECTRAL = List.of(DominantDirectionShare.NAME, EffectiveRank.NAME, IsoScore.NAME,
      PartitionIsotropy.NAME);
  private static final int RUNS = 3;
  private static final int SEQUENCES = 100;

  private MetricsBenchmark() {}

  public static void main(String... args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int d = args.length > 1 ? Integer.parseInt(args[1]) : 512;
    HookVectors v = vectors(n, d, 2024);
    System.out.printf(Locale.ROOT, "metrics benchmark: N=%d d=%d, %d sequences, OMP_NUM_THREADS=%s, %d cores%n",
        n, d, SEQUENCES, System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
        Runtime.getRuntime().availableProcessors());
    List<Metric> metrics = Metrics.create(Metrics.ALL);
    for (Metric m : metrics) { // warm-up: JIT, ND4J start-up, LAPACK
      SecondMoments.clearCache();
      m.compute(vectors(2048, Math.min(d, 64), 1));
    }
    System.out.printf(Locale.ROOT, "%-18s %10s %12s  %s%n", "metric", "median_s", "value", "runs_s");
    double linearTotal = 0;
    for (Metric m : metrics) {
      double[] t = new double[RUNS];
      double value = Double.NaN;
      for (int r = 0; r < RUNS; r++) {
        SecondMoments.clearCache();
        UnitVectorSums.clearCache();
        long t0 = System.nanoTime();
        value = m.compute(v).get(m.name());
        t[r] = (System.nanoTime() - t0) / 1e9;
      }
      double median = median(t);
      if (LINEAR.contains(m.name())) {
        linearTotal += median;
      }
      System.out.printf(Locale.ROOT, "%-18s %10.3f %12.6g  %s%n", m.name(), median, value, runs(t));
    }
    System.out.printf(Locale.ROOT, "%-18s %10.3f   (cos_mean, cos_mean_intra, cos_mean_centered, norm_mean_ratio,"
        + " outlier_dims; target < 2 s)%n", "O(N·d) total", linearTotal);
    double[] t = new double[RUNS];
    List<Metric> spectral = Metrics.create(SPECTRAL);
    for (int r = 0; r < RUNS; r++) {
      SecondMoments.clearCache();
      long t0 = System.nanoTime();
      for (Metric m : spectral) {
        m.compute(v);
      }
      t[r] = (System.nanoTime() - t0) / 1e9;
    }
    System.out.printf(Locale.ROOT, "%-18s %10.3f   (pc1_share, eff_rank, isoscore, partition_iw sharing one GEMM)"
        + "  %s%n", "spectral together", median(t), runs(t));
    for (int r = 0; r < RUNS; r++) {
      long t0 = System.nanoTime();
      Bootstrap.withInterval(new MeanPairwiseCosine(), v, 1000, 7);
      t[r] = (System.nanoTime() - t0) / 1e9;
    }
    System.out.printf(Locale.ROOT, "%-18s %10.3f   (cos_mean + 1000 resamples)  %s%n", "cos_mean bootstrap",
        median(t), runs(t));
  }

  /** Gaussian rows N(0, I) plus the offset 0.5·(1, …, 1) (so cos_mean ≈ 0.2), ids = i / (n / 100). */
  static HookVectors vectors(int n, int d, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (random.nextGaussian() + 0.5);
    }
    int[] ids = new int[n];
    int per = Math.max(1, n / SEQUENCES);
    for (int i = 0; i < n; i++) {
      ids[i] = i / per;
    }
    return new HookVectors(x, n, d, ids);
  }

  private static double median(double[] t) {
    double[] s = t.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static String runs(double[] t) {
    List<String> s = new ArrayList<>();
    for (double x : t) {
      s.add(String.format(Locale.ROOT, "%.3f", x));
    }
    return String.join(" ", s);
  }
}
