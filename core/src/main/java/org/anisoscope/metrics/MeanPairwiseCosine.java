package org.anisoscope.metrics;

/**
 * {@code cos_mean}: the mean cosine similarity over all distinct pairs of rows, exactly, in O(N·d):
 * {@code (‖Σ u_i‖² − N) / (N(N − 1))} with {@code u_i = x_i/‖x_i‖} (Ethayarajh 2019 estimate it by sampling; the
 * identity {@code ‖Σ u_i‖² = N + Σ_{i≠j} cos(x_i, x_j)} makes sampling unnecessary).
 *
 * <p>Zero-norm rows have no direction and are skipped (N counts the non-zero rows). NaN when fewer than two
 * non-zero rows remain.
 */
public final class MeanPairwiseCosine extends ScalarMetric {
  public static final String NAME = "cos_mean";

  public MeanPairwiseCosine() {
    super(NAME);
  }

  @Override
  public double value(HookVectors v) {
    UnitVectorSums sums = UnitVectorSums.of(v, null);
    return UnitVectorSums.meanPairwiseCosine(sums.total(), sums.totalCount());
  }
}
