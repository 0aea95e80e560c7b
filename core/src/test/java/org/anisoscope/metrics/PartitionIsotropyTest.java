package org.anisoscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PartitionIsotropyTest {
  private final PartitionIsotropy metric = new PartitionIsotropy();

  /**
   * Rows ±a·e_0 in d = 4: XᵀX = 2a²·e_0e_0ᵀ, eigenvectors ±e_0 and any basis of e_0's complement. Z(±e_0) =
   * e^a + e^{−a} = 2 cosh a; Z(c ⊥ e_0) = 2. I(W) = 2/(2 cosh a) = 1/cosh a.
   */
  @Test
  void antipodalPairGivesOneOverCosh() {
    for (double a : new double[] {0.5, 1, 3}) {
      HookVectors v = TestVectors.rows(new double[][] {{a, 0, 0, 0}, {-a, 0, 0, 0}});
      assertEquals(1 / Math.cosh(a), metric.value(v), 1e-12, "a=" + a);
    }
  }

  /** exp(710) overflows a double; the log-space computation still gives 1/cosh(710) ≈ 2e^{−710} ≈ 8.9e−309. */
  @Test
  void largeNormsDoNotOverflow() {
    double a = 710;
    HookVectors v = TestVectors.rows(new double[][] {{a, 0, 0}, {-a, 0, 0}});
    assertEquals(2 * Math.exp(-a / 2) * Math.exp(-a / 2), metric.value(v), 1e-6 * 2 * Math.exp(-a));
    assertTrue(metric.value(v) > 0);
  }

  /** Negating every row maps Z(c) to Z(−c); c ranges over both signs, so the value is unchanged. */
  @Test
  void signInvariant() {
    int n = 500;
    int d = 6;
    float[] x = TestVectors.gaussian(n, d, 31);
    float[] neg = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = 0.5f * x[i] + (i % d == 0 ? 0.7f : 0); // anisotropic, so the value is far from 1
      neg[i] = -x[i];
    }
    double value = metric.value(HookVectors.of(x, n, d));
    assertTrue(value < 0.9, "value " + value);
    assertEquals(value, metric.value(HookVectors.of(neg, n, d)), 1e-10);
  }

  /**
   * Isotropic N(0, I): cᵀx ~ N(0, 1) for a unit c, so Z(c) has mean N·e^{1/2} and relative standard deviation
   * √((e − 1)/N). Over 2d directions min/max falls short of 1 by a few of those; allow 8, and expect it closer
   * to 1 for the larger N.
   */
  @Test
  void isotropicGaussianApproachesOne() {
    int d = 8;
    double previous = 0;
    for (int n : new int[] {2000, 50000}) {
      double value = metric.value(HookVectors.of(TestVectors.gaussian(n, d, n + 1), n, d));
      assertTrue(value > 1 - 8 * Math.sqrt((Math.E - 1) / n) && value <= 1, "N=" + n + ": " + value);
      assertTrue(value > previous, "N=" + n + ": " + value + " after " + previous);
      previous = value;
    }
  }
}
