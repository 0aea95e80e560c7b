package org.anisoscope.metrics;

/**
 * {@code cos_mean_centered}: {@link MeanPairwiseCosine} after subtracting the mean vector from every row. It
 * removes the common drift that {@code norm_mean_ratio} measures; of {@code N} centred vectors of equal norm the
 * value is exactly {@code −1/(N − 1)} (their sum is zero). Rows equal to the mean become zero and are skipped.
 */
public final class CentredPairwiseCosine extends ScalarMetric {
  public static final String NAME = "cos_mean_centered";

  public CentredPairwiseCosine() {
    super(NAME);
  }

  @Override
  public double value(HookVectors v) {
    if (v.n() < 2) {
      return Double.NaN;
    }
    UnitVectorSums sums = UnitVectorSums.of(v, ColumnMeans.of(v));
    return UnitVectorSums.meanPairwiseCosine(sums.total(), sums.totalCount());
  }
}
