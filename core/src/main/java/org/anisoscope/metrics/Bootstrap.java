package org.anisoscope.metrics;

import com.google.common.base.Preconditions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap intervals over probe <em>sequences</em> (rows of one sequence are not independent, so the
 * sequence is the resampling unit): draw S of the S sequences with replacement, recompute the metric, repeat;
 * the interval is the 2.5 % and 97.5 % quantiles (linear interpolation, Hyndman–Fan type 7) of the resampled
 * values. Seeded ({@link SplittableRandom}), so the same inputs, resamples and seed give the same interval.
 *
 * <p>Only metrics whose resamples are cheap from per-sequence sufficient statistics are supported
 * ({@link #SUPPORTED}); each resample costs O(S·d), not O(N·d):
 * <ul>
 *   <li>{@code cos_mean}: from the per-sequence unit-vector sums U_s and counts n_s. A resample is the mean
 *       cosine over its pairs of rows except the pairs that join two copies of the same sequence (those would
 *       include each row paired with its own copy, cosine 1, and over-weight within-sequence pairs, biasing the
 *       interval upwards). With weights w_s (times drawn):
 *       {@code (‖Σ w_s U_s‖² − Σ w_s²‖U_s‖² + Σ w_s(‖U_s‖² − n_s)) / (N_w² − Σ w_s² n_s² + Σ w_s(n_s² − n_s))}; with
 *       every w_s = 1 it is exactly {@code cos_mean}.</li>
 *   <li>{@code cos_mean_intra}: the mean of the drawn sequences' own mean cosines.</li>
 * </ul>
 * The other metrics (centring, GEMMs, sampling) would cost a full recomputation per resample and are refused.
 * With fewer than two sequences there is nothing to resample and both bounds are NaN.
 */
public final class Bootstrap {
  public static final String LO_SUFFIX = "_ci_lo";
  public static final String HI_SUFFIX = "_ci_hi";
  /** Coverage of the interval. */
  public static final double LEVEL = 0.95;
  public static final Set<String> SUPPORTED = Set.of(MeanPairwiseCosine.NAME, IntraSequenceCosine.NAME);

  private Bootstrap() {}

  /**
   * {@code m}'s own values followed by {@code <name>_ci_lo} and {@code <name>_ci_hi}.
   *
   * @throws IllegalArgumentException if {@code m} is not one of {@link #SUPPORTED}
   */
  public static Map<String, Double> withInterval(Metric m, HookVectors v, int resamples, long seed) {
    Preconditions.checkArgument(SUPPORTED.contains(m.name()), "no bootstrap for metric '%s'; supported: %s",
        m.name(), SUPPORTED);
    Preconditions.checkArgument(resamples >= 2, "resamples must be >= 2, got %s", resamples);
    Map<String, Double> out = new LinkedHashMap<>(m.compute(v));
    UnitVectorSums sums = UnitVectorSums.of(v, null);
    double[] values = m.name().equals(MeanPairwiseCosine.NAME)
        ? resampleCosMean(sums, resamples, seed)
        : resampleIntra(sums, resamples, seed);
    double[] ci = percentileInterval(values, LEVEL);
    out.put(m.name() + LO_SUFFIX, ci[0]);
    out.put(m.name() + HI_SUFFIX, ci[1]);
    return out;
  }

  /** A metric named like {@code m} whose values carry the interval (see {@link #withInterval}). */
  public static Metric wrap(Metric m, int resamples, long seed) {
    Preconditions.checkArgument(SUPPORTED.contains(m.name()), "no bootstrap for metric '%s'; supported: %s",
        m.name(), SUPPORTED);
    return new Metric() {
      @Override
      public String name() {
        return m.name();
      }

      @Override
      public Map<String, Double> compute(HookVectors vectors) {
        return withInterval(m, vectors, resamples, seed);
      }
    };
  }

  static double[] resampleCosMean(UnitVectorSums s, int resamples, long seed) {
    int count = s.sequences();
    double[] values = new double[resamples];
    if (count < 2) {
      Arrays.fill(values, Double.NaN);
      return values;
    }
    double[] selfDots = new double[count]; // ‖U_s‖²
    for (int k = 0; k < count; k++) {
      selfDots[k] = UnitVectorSums.squaredNorm(s.sums[k]);
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] w = new int[count];
    for (int r = 0; r < resamples; r++) {
      Arrays.fill(w, 0);
      for (int k = 0; k < count; k++) {
        w[random.nextInt(count)]++;
      }
      values[r] = cosMeanForWeights(s, selfDots, w);
    }
    return values;
  }

  /** The resample statistic of {@code cos_mean} for sequence weights {@code w} (see the class comment). */
  static double cosMeanForWeights(UnitVectorSums s, double[] selfDots, int[] w) {
    double[] u = new double[s.d];
    double num = 0;
    double den = 0;
    double rows = 0;
    for (int k = 0; k < w.length; k++) {
      if (w[k] == 0) {
        continue;
      }
      double[] sum = s.sums[k];
      for (int j = 0; j < u.length; j++) {
        u[j] += w[k] * sum[j];
      }
      double n = s.counts[k];
      double wk = w[k];
      rows += wk * n;
      num += -wk * wk * selfDots[k] + wk * (selfDots[k] - n);
      den += -wk * wk * n * n + wk * (n * n - n);
    }
    num += UnitVectorSums.squaredNorm(u);
    den += rows * rows;
    return den == 0 ? Double.NaN : num / den;
  }

  static double[] resampleIntra(UnitVectorSums s, int resamples, long seed) {
    double[] per = IntraSequenceCosine.perSequence(s);
    int count = per.length;
    double[] values = new double[resamples];
    if (count < 2) {
      Arrays.fill(values, Double.NaN);
      return values;
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] drawn = new double[count];
    for (int r = 0; r < resamples; r++) {
      for (int k = 0; k < count; k++) {
        drawn[k] = per[random.nextInt(count)];
      }
      values[r] = IntraSequenceCosine.meanOverSequences(drawn);
    }
    return values;
  }

  /** {@code [lo, hi]}: the (1 − level)/2 and (1 + level)/2 quantiles of the non-NaN values; NaN if none. */
  static double[] percentileInterval(double[] values, double level) {
    double[] x = Arrays.stream(values).filter(a -> !Double.isNaN(a)).sorted().toArray();
    if (x.length == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    return new double[] {quantile(x, (1 - level) / 2), quantile(x, (1 + level) / 2)};
  }

  /** Type-7 quantile of sorted {@code x}. */
  static double quantile(double[] x, double p) {
    double h = (x.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, x.length - 1);
    return x[lo] + (h - lo) * (x[hi] - x[lo]);
  }
}
