package org.anisoscope.mechanism;

import com.google.common.base.Preconditions;

/** Mean and 95 % confidence interval of a small sample: Student's t with n − 1 degrees of freedom. */
final class Intervals {
  /** t_{0.975, df} for df = 1 … 30 (standard table); beyond 30 the normal 1.96 is within 2 %. */
  private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
      2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
      2.056, 2.052, 2.048, 2.045, 2.042};

  private Intervals() {
  }

  static double t975(int df) {
    Preconditions.checkArgument(df >= 1, "degrees of freedom must be >= 1, got %s", df);
    return df <= T975.length ? T975[df - 1] : 1.96;
  }

  /** {@code {mean, lo, hi}}: mean ± t_{0.975, n−1} · s/√n. */
  static double[] meanWithT95(double[] v) {
    Preconditions.checkArgument(v.length >= 2, "an interval needs at least 2 values, got %s", v.length);
    double mean = 0;
    for (double x : v) {
      mean += x;
    }
    mean /= v.length;
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    double half = t975(v.length - 1) * Math.sqrt(ss / (v.length - 1)) / Math.sqrt(v.length);
    return new double[] {mean, mean - half, mean + half};
  }
}
