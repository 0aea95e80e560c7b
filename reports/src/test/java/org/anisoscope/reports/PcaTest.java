package org.anisoscope.reports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The cone's geometry on vector sets whose answer is known in closed form. */
class PcaTest {
  private static float[] rows(double[]... r) {
    float[] x = new float[r.length * r[0].length];
    for (int i = 0; i < r.length; i++) {
      for (int j = 0; j < r[i].length; j++) {
        x[i * r[0].length + j] = (float) r[i][j];
      }
    }
    return x;
  }

  @Test
  void axisAlignedSetGivesItsAxesAndShares() {
    // unit rows e1 ×4, e2 ×2, e3 ×1 (lengths vary: they are normalised): M = diag(4/7, 2/7, 1/7, 0)
    double[] e1 = {5, 0, 0, 0};
    double[] e2 = {0, 0.5, 0, 0};
    double[] e3 = {0, 0, 2, 0};
    float[] x = rows(e1, e1, e1, e1, e2, e2, e3);
    Pca.Result r = Pca.top2(Pca.secondMoment(x, 7, 4));
    assertEquals(4.0 / 7, r.share()[0], 1e-9);
    assertEquals(2.0 / 7, r.share()[1], 1e-9);
    assertEquals(1.0, Math.abs(r.axes()[0][0]), 1e-9);
    assertEquals(1.0, Math.abs(r.axes()[1][1]), 1e-9);
    double[][] p = Pca.project(x, 7, 4, r.axes());
    // signs are flipped so the mean projection is positive: e1 rows land at +1 on PC1
    assertArrayEquals(new double[] {1, 1, 1, 1, 0, 0, 0}, p[0], 1e-9);
    assertArrayEquals(new double[] {0, 0, 0, 0, 1, 1, 0}, p[1], 1e-9);
  }

  @Test
  void rotatedPairIsFoundOffTheCoordinateAxes() {
    double s = Math.sqrt(0.5);
    double[] u = {s, s, 0};
    double[] v = {s, -s, 0};
    float[] x = rows(u, u, u, v);   // M = 3/4 uuᵀ + 1/4 vvᵀ
    Pca.Result r = Pca.top2(Pca.secondMoment(x, 4, 3));
    assertEquals(0.75, r.share()[0], 1e-9);
    assertEquals(0.25, r.share()[1], 1e-9);
    assertEquals(1.0, Math.abs(Pca.dot(r.axes()[0], u)), 1e-9);
    assertEquals(1.0, Math.abs(Pca.dot(r.axes()[1], v)), 1e-9);
  }

  @Test
  void oneDirectionHasAllTheSecondMomentOnPc1() {
    float[] x = rows(new double[] {1, 2, 2}, new double[] {2, 4, 4}, new double[] {0.5, 1, 1});
    Pca.Result r = Pca.top2(Pca.secondMoment(x, 3, 3));
    assertEquals(1.0, r.share()[0], 1e-9);
    assertEquals(0.0, r.share()[1], 1e-9);
    assertEquals(0.0, Pca.dot(r.axes()[0], r.axes()[1]), 1e-9, "orthogonal even when M has rank 1");
    assertArrayEquals(new double[] {1, 1, 1}, Pca.project(x, 3, 3, r.axes())[0], 1e-9);
  }

  @Test
  void pairwiseCosineHistogramCountsEveryDistinctPairOnce() {
    // e1, e2, e1: cosines 0, 1, 0; four bins over [-1, 1] → the 0 bin ([0, 0.5)) twice, the last bin once
    float[] x = rows(new double[] {1, 0}, new double[] {0, 3}, new double[] {2, 0});
    assertArrayEquals(new long[] {0, 0, 2, 1}, Pca.pairwiseCosineHistogram(x, 3, 2, 4));
    // opposite vectors: cosine −1, first bin; a zero row takes part in no pair
    float[] y = rows(new double[] {1, 0}, new double[] {-1, 0}, new double[] {0, 0});
    assertArrayEquals(new long[] {1, 0, 0, 0}, Pca.pairwiseCosineHistogram(y, 3, 2, 4));
  }

  @Test
  void histogramMeanIsCosMeanUpToTheBinWidth() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    int n = 200;
    int d = 16;
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextDouble() + (i % d == 0 ? 1 : 0));
    }
    double exact = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        exact += Pca.dot(Pca.unitRow(x, d, i), Pca.unitRow(x, d, j));
      }
    }
    exact /= n * (n - 1) / 2.0;
    int bins = 200;
    long[] h = Pca.pairwiseCosineHistogram(x, n, d, bins);
    double sum = 0;
    long total = 0;
    for (int b = 0; b < bins; b++) {
      sum += h[b] * (-1 + (b + 0.5) * 2.0 / bins);
      total += h[b];
    }
    assertEquals(n * (n - 1) / 2, total);
    assertTrue(Math.abs(sum / total - exact) <= 1.0 / bins, sum / total + " vs " + exact);
  }
}
