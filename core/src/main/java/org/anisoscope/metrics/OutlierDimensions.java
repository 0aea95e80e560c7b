package org.anisoscope.metrics;

/**
 * {@code outlier_dims}: how many of the d dimensions have a mean activation {@code m_j = mean_i x_ij} more than 3
 * standard deviations from the mean of the d means, the standard deviation being the population one over the d
 * means (the "rogue dimensions" that dominate cosine similarity). 0 when all means are equal; NaN with no rows.
 */
public final class OutlierDimensions extends ScalarMetric {
  public static final String NAME = "outlier_dims";
  /** The threshold in standard deviations. */
  public static final double SIGMAS = 3.0;

  public OutlierDimensions() {
    super(NAME);
  }

  @Override
  public double value(HookVectors v) {
    if (v.n() == 0) {
      return Double.NaN;
    }
    double[] m = ColumnMeans.of(v);
    int d = m.length;
    double mu = 0;
    for (double x : m) {
      mu += x;
    }
    mu /= d;
    double var = 0;
    for (double x : m) {
      var += (x - mu) * (x - mu);
    }
    double std = Math.sqrt(var / d);
    if (std == 0) {
      return 0; // no spread, no outlier (and no division of rounding noise by zero)
    }
    int count = 0;
    for (double x : m) {
      if (Math.abs(x - mu) > SIGMAS * std) {
        count++;
      }
    }
    return count;
  }
}
