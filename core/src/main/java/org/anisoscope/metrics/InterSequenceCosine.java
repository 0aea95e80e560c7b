package org.anisoscope.metrics;

/**
 * {@code cos_mean_inter}: the mean cosine over the pairs of rows from <em>different</em> probe sequences, exactly
 * {@code (‖Σ_all u‖² − Σ_s ‖Σ_{i∈s} u_i‖²) / (N² − Σ_s n_s²)} over unit vectors u (zero rows skipped). Next to
 * {@code cos_mean_intra} it says whether the hidden states share one direction per sequence (one recording, one
 * image, one text window: intra high, inter low) or one for all (both high). NaN with fewer than two sequences
 * holding non-zero rows. O(N·d).
 */
public final class InterSequenceCosine extends ScalarMetric {
  public static final String NAME = "cos_mean_inter";

  public InterSequenceCosine() {
    super(NAME);
  }

  @Override
  public double value(HookVectors v) {
    UnitVectorSums sums = UnitVectorSums.of(v, null);
    double[] total = new double[sums.d];
    double within = 0;
    double n = 0;
    double sumSquares = 0;
    int used = 0;
    for (int s = 0; s < sums.sequences(); s++) {
      if (sums.counts[s] == 0) {
        continue;
      }
      used++;
      for (int j = 0; j < sums.d; j++) {
        total[j] += sums.sums[s][j];
      }
      within += UnitVectorSums.squaredNorm(sums.sums[s]);
      n += sums.counts[s];
      sumSquares += (double) sums.counts[s] * sums.counts[s];
    }
    if (used < 2) {
      return Double.NaN;
    }
    return (UnitVectorSums.squaredNorm(total) - within) / (n * n - sumSquares);
  }
}
