package org.anisoscope.metrics;

/**
 * {@code isoscore}: IsoScore of Rudman, Gillman, Rayne &amp; Eickhoff (2022, Algorithm 1), in [0, 1]: 1 when the
 * variance is spread equally over all d dimensions, 0 when it lies along one line, {@code (k − 1)/(d − 1)} when
 * it is spread equally over k of them. Steps: centre; rotate to the principal axes, whose variances {@code v} are
 * the covariance eigenvalues; {@code v̂ = √d · v/‖v‖}; defect {@code δ = ‖v̂ − 1‖ / √(2(d − √d))}; score
 * {@code ((d − δ²(d − √d))² − d) / (d(d − 1))}. The variance normalisation (1/N or 1/(N−1)) cancels in v̂.
 * NaN when d = 1, when all rows are equal, or with no rows. O(N·d²) via GEMM + syev.
 */
public final class IsoScore extends ScalarMetric {
  public static final String NAME = "isoscore";

  public IsoScore() {
    super(NAME);
  }

  @Override
  public double value(HookVectors v) {
    if (v.n() == 0 || v.d() < 2) {
      return Double.NaN;
    }
    return ofVariances(SecondMoments.of(v).centredEigenvalues());
  }

  /** IsoScore from the variances along the principal axes (any common scale). */
  static double ofVariances(double[] variances) {
    int d = variances.length;
    if (d < 2) {
      return Double.NaN;
    }
    double norm = Math.sqrt(UnitVectorSums.squaredNorm(variances));
    if (norm == 0) {
      return Double.NaN;
    }
    double sqrtD = Math.sqrt(d);
    double defect2 = 0; // ‖v̂ − 1‖²
    for (double x : variances) {
      double e = sqrtD * x / norm - 1;
      defect2 += e * e;
    }
    double delta2 = defect2 / (2 * (d - sqrtD)); // δ², in [0, 1]
    double phi = d - delta2 * (d - sqrtD); // number of dimensions "used", in [√d, d]
    double score = (phi * phi - d) / ((double) d * (d - 1));
    return Math.max(0, Math.min(1, score)); // rounding only
  }
}
