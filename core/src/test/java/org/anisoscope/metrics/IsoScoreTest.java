package org.anisoscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IsoScoreTest {
  private final IsoScore metric = new IsoScore();

  /**
   * Rudman et al. (2022), Algorithm 1, by hand on the six points (±3, 0, 0), (0, ±2, 0), (0, 0, ±1), d = 3:
   * <ol>
   *   <li>Centre: the mean is 0, nothing changes.</li>
   *   <li>PCA-reorient: the covariance is diagonal, the principal axes are the coordinate axes.</li>
   *   <li>Variance vector (population): v = (18, 8, 2)/6 = (3, 4/3, 1/3).</li>
   *   <li>Normalise: ‖v‖² = 9 + 16/9 + 1/9 = 98/9; v̂ = √3·v/‖v‖ = (1.574673, 0.699854, 0.174964).</li>
   *   <li>Defect: ‖v̂ − 1‖² = 2d − 2√d·Σv/‖v‖ = 6 − 2√3·(14/3)/(7√2/3) = 6 − 2√6 = 1.101021;
   *       δ² = 1.101021 / (2(3 − √3)) = 0.434174.</li>
   *   <li>φ = d − δ²(d − √d) = √d·Σv/‖v‖ = √6 (= 2.449490), so φ² = 6 of the d² = 9.</li>
   *   <li>IsoScore = (φ² − d)/(d(d − 1)) = (6 − 3)/6 = 1/2 exactly.</li>
   * </ol>
   * (In general the steps collapse to ((‖v‖₁/‖v‖₂)² − 1)/(d − 1).)
   */
  @Test
  void handWorkedMatrixFollowingTheAlgorithm() {
    HookVectors v = TestVectors.rows(new double[][] {
        {3, 0, 0}, {-3, 0, 0}, {0, 2, 0}, {0, -2, 0}, {0, 0, 1}, {0, 0, -1}});
    assertEquals(0.5, metric.value(v), 1e-12);
  }

  /** The PCA step makes it rotation invariant (float rounding of the rotated rows: 1e-6). */
  @Test
  void rotatedHandWorkedMatrixScoresTheSame() {
    HookVectors v = TestVectors.rows(new double[][] {
        {3, 0, 0}, {-3, 0, 0}, {0, 2, 0}, {0, -2, 0}, {0, 0, 1}, {0, 0, -1}});
    assertEquals(0.5, metric.value(TestVectors.rotate(v, 5)), 1e-6);
  }

  /** v = (λ, 0, …): v̂ = √d·e₁, ‖v̂ − 1‖² = 2d − 2√d, δ = 1, φ = √d, score 0. */
  @Test
  void pointsOnOneLineScoreZero() {
    double[][] m = new double[10][];
    for (int i = 0; i < m.length; i++) {
      m[i] = new double[] {i, 2 * i, -i, 0.5 * i, 3};
    }
    assertEquals(0.0, metric.value(TestVectors.rows(m)), 1e-9);
  }

  /** Variance spread equally over k of d axes: Σv/‖v‖ = √k, so the score is (k − 1)/(d − 1). */
  @Test
  void equalVarianceInKDimensionsScoresKMinusOneOverDMinusOne() {
    int d = 8;
    for (int k = 1; k <= d; k++) {
      double[][] m = new double[2 * k][];
      for (int j = 0; j < k; j++) {
        m[2 * j] = TestVectors.e(j, d);
        m[2 * j + 1] = TestVectors.e(j, d);
        m[2 * j + 1][j] = -1;
      }
      assertEquals((k - 1.0) / (d - 1), metric.value(TestVectors.rows(m)), 1e-12, "k=" + k);
    }
  }

  /**
   * Isotropic Gaussian: the sample covariance eigenvalues follow Marchenko–Pastur with mean 1 and variance
   * γ = d/N, so (Σv/‖v‖)² ≈ d/(1 + γ) and the score ≈ 1 − γ·d/(d − 1). Allow twice that deficit, and the score
   * must approach 1 as N grows.
   */
  @Test
  void isotropicGaussianApproachesOne() {
    int d = 16;
    double previous = 0;
    for (int n : new int[] {2000, 20000}) {
      double score = metric.value(HookVectors.of(TestVectors.gaussian(n, d, n), n, d));
      double gamma = (double) d / n;
      assertTrue(score > 1 - 2 * gamma * d / (d - 1) && score <= 1, "N=" + n + ": " + score);
      assertTrue(score > previous, "N=" + n + ": " + score + " after " + previous);
      previous = score;
    }
  }

  @Test
  void oneDimensionIsNaN() {
    assertTrue(Double.isNaN(metric.value(TestVectors.rows(new double[][] {{1}, {2}}))));
  }
}
