package org.anisoscope.metrics;

/**
 * {@code cos_mean_intra}: {@link MeanPairwiseCosine} within each probe sequence (rows sharing a sequence id), then
 * the unweighted mean over sequences, so each sequence counts once whatever its length. Sequences with fewer than
 * two non-zero rows are skipped; NaN when none is left. O(N·d).
 */
public final class IntraSequenceCosine extends ScalarMetric {
  public static final String NAME = "cos_mean_intra";

  public IntraSequenceCosine() {
    super(NAME);
  }

  @Override
  public double value(HookVectors v) {
    return meanOverSequences(perSequence(UnitVectorSums.of(v, null)));
  }

  /** {@code [S]} the mean cosine within each sequence, NaN for a sequence with fewer than two non-zero rows. */
  static double[] perSequence(UnitVectorSums sums) {
    double[] values = new double[sums.sequences()];
    for (int s = 0; s < values.length; s++) {
      values[s] = UnitVectorSums.meanPairwiseCosine(sums.sums[s], sums.counts[s]);
    }
    return values;
  }

  /** Mean of the non-NaN entries; NaN if there are none. */
  static double meanOverSequences(double[] values) {
    double total = 0;
    int used = 0;
    for (double x : values) {
      if (!Double.isNaN(x)) {
        total += x;
        used++;
      }
    }
    return used == 0 ? Double.NaN : total / used;
  }
}
