package org.anisoscope.metrics;

/**
 * {@code eff_rank}: the effective rank of Roy &amp; Vetterli (2007, eq. 2), {@code exp(H(p))} with
 * {@code p_k = σ_k / Σ σ} over the singular values σ of the <em>centred</em> matrix, so k equal singular values
 * and zeros give exactly k. σ_k = √λ_k from the eigenvalues λ of the centred scatter (O(N·d²) GEMM + syev).
 *
 * <p>Eigenvalues below {@link #RELATIVE_CUTOFF}·λ₁ are set to 0: a Gram matrix formed in double precision cannot
 * resolve singular values below ~√(ε)·σ₁, and without the cut-off the ~d rounding-level values of rank-deficient
 * data would each add a little entropy. NaN when the centred matrix is zero (all rows equal) or there are no rows.
 */
public final class EffectiveRank extends ScalarMetric {
  public static final String NAME = "eff_rank";
  /** Relative eigenvalue cut-off: singular values below √(10⁻¹²)·σ₁ = 10⁻⁶·σ₁ count as zero. */
  public static final double RELATIVE_CUTOFF = 1e-12;

  public EffectiveRank() {
    super(NAME);
  }

  @Override
  public double value(HookVectors v) {
    if (v.n() == 0) {
      return Double.NaN;
    }
    return ofEigenvalues(SecondMoments.of(v).centredEigenvalues());
  }

  /** {@code exp(−Σ p_k ln p_k)}, {@code p_k = √λ_k / Σ √λ}, for eigenvalues λ ≥ 0 of a Gram matrix. */
  static double ofEigenvalues(double[] lambda) {
    double max = 0;
    for (double l : lambda) {
      max = Math.max(max, l);
    }
    if (max == 0) {
      return Double.NaN;
    }
    double[] sigma = new double[lambda.length];
    double total = 0;
    for (int k = 0; k < lambda.length; k++) {
      sigma[k] = lambda[k] <= RELATIVE_CUTOFF * max ? 0 : Math.sqrt(lambda[k]);
      total += sigma[k];
    }
    double entropy = 0;
    for (double s : sigma) {
      if (s > 0) {
        double p = s / total;
        entropy -= p * Math.log(p);
      }
    }
    return Math.exp(entropy);
  }
}
