package org.anisoscope.metrics;

/**
 * {@code pc1_share}: {@code σ₁² / Σ σ_k²} of the uncentred matrix X, i.e. the largest eigenvalue of {@code XᵀX}
 * over its trace {@code Σ ‖x_i‖²}: the share of the rows' squared length along the one dominant direction
 * (1 when all rows lie on one line, 1/d for an orthonormal basis). NaN when all rows are zero. O(N·d²) via GEMM.
 */
public final class DominantDirectionShare extends ScalarMetric {
  public static final String NAME = "pc1_share";

  public DominantDirectionShare() {
    super(NAME);
  }

  @Override
  public double value(HookVectors v) {
    if (v.n() == 0) {
      return Double.NaN;
    }
    SecondMoments m = SecondMoments.of(v);
    double trace = m.uncentredTrace();
    if (trace == 0) {
      return Double.NaN;
    }
    double[] ev = m.uncentredEigenvalues();
    return Math.min(1.0, ev[ev.length - 1] / trace); // rounding must not push it past 1
  }
}
