package org.anisoscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BootstrapTest {
  /** 30 sequences of 20 rows; each sequence has its own direction on top of a common offset and noise. */
  private static HookVectors clustered(long seed) {
    int s = 30;
    int per = 20;
    int d = 16;
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[s * per * d];
    int[] ids = new int[s * per];
    for (int k = 0; k < s; k++) {
      float[] dir = new float[d];
      for (int j = 0; j < d; j++) {
        dir[j] = (float) r.nextGaussian();
      }
      for (int i = 0; i < per; i++) {
        int row = k * per + i;
        ids[row] = k;
        for (int j = 0; j < d; j++) {
          x[row * d + j] = (j == 0 ? 1.5f : 0) + dir[j] + 0.7f * (float) r.nextGaussian();
        }
      }
    }
    return new HookVectors(x, s * per, d, ids);
  }

  @Test
  void intervalContainsThePointEstimate() {
    HookVectors v = clustered(1);
    for (Metric m : List.of(new MeanPairwiseCosine(), new IntraSequenceCosine())) {
      Map<String, Double> out = Bootstrap.withInterval(m, v, 1000, 42);
      String name = m.name();
      assertEquals(List.of(name, name + "_ci_lo", name + "_ci_hi"), List.copyOf(out.keySet()));
      assertTrue(out.get(name + "_ci_lo") < out.get(name) && out.get(name) < out.get(name + "_ci_hi"),
          name + " " + out);
    }
  }

  @Test
  void seededAndDeterministic() {
    HookVectors v = clustered(2);
    Metric m = new MeanPairwiseCosine();
    assertEquals(Bootstrap.withInterval(m, v, 200, 7), Bootstrap.withInterval(m, v, 200, 7));
    assertNotEquals(Bootstrap.withInterval(m, v, 200, 7), Bootstrap.withInterval(m, v, 200, 8));
  }

  @Test
  void unitWeightsReproduceCosMeanExactly() {
    HookVectors v = clustered(3);
    UnitVectorSums s = UnitVectorSums.of(v, null);
    double[] selfDots = new double[s.sequences()];
    int[] w = new int[s.sequences()];
    for (int k = 0; k < w.length; k++) {
      selfDots[k] = UnitVectorSums.squaredNorm(s.sums[k]);
      w[k] = 1;
    }
    assertEquals(new MeanPairwiseCosine().value(v), Bootstrap.cosMeanForWeights(s, selfDots, w), 1e-12);
  }

  /** The O(S·d) resample statistic equals the pair loop over the resampled rows, minus pairs across copies. */
  @Test
  void resampleStatisticEqualsBruteForce() {
    HookVectors v = clustered(4);
    UnitVectorSums s = UnitVectorSums.of(v, null);
    int[] w = new int[s.sequences()];
    w[0] = 3;
    w[4] = 1;
    w[9] = 2;
    w[17] = 1;
    double[] selfDots = new double[w.length];
    for (int k = 0; k < w.length; k++) {
      selfDots[k] = UnitVectorSums.squaredNorm(s.sums[k]);
    }
    List<int[]> rows = new ArrayList<>(); // {original row, draw}
    int draw = 0;
    for (int k = 0; k < w.length; k++) {
      for (int c = 0; c < w[k]; c++, draw++) {
        for (int i = 0; i < v.n(); i++) {
          if (v.sequenceIds()[i] == s.ids[k]) {
            rows.add(new int[] {i, draw, k});
          }
        }
      }
    }
    double sum = 0;
    long pairs = 0;
    for (int a = 0; a < rows.size(); a++) {
      for (int b = a + 1; b < rows.size(); b++) {
        int[] ra = rows.get(a);
        int[] rb = rows.get(b);
        if (ra[2] == rb[2] && ra[1] != rb[1]) {
          continue; // two copies of the same sequence
        }
        sum += cosine(v, ra[0], rb[0]);
        pairs++;
      }
    }
    assertEquals(sum / pairs, Bootstrap.cosMeanForWeights(s, selfDots, w), 1e-12);
  }

  @Test
  void oneSequenceHasNoInterval() {
    HookVectors v = HookVectors.of(TestVectors.gaussian(50, 4, 5), 50, 4);
    Map<String, Double> out = Bootstrap.withInterval(new MeanPairwiseCosine(), v, 100, 1);
    assertTrue(Double.isNaN(out.get("cos_mean_ci_lo")) && Double.isNaN(out.get("cos_mean_ci_hi")));
    assertTrue(!Double.isNaN(out.get("cos_mean")));
  }

  @Test
  void unsupportedMetricIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Bootstrap.wrap(new IsoScore(), 100, 1));
  }

  @Test
  void wrappedMetricKeepsItsNameAndAddsCompanions() {
    Metric m = Bootstrap.wrap(new MeanPairwiseCosine(), 100, 1);
    assertEquals("cos_mean", m.name());
    assertEquals(List.of("cos_mean", "cos_mean_ci_lo", "cos_mean_ci_hi"),
        List.copyOf(m.compute(clustered(5)).keySet()));
  }

  @Test
  void percentileIsTypeSevenInterpolation() {
    double[] values = new double[101];
    for (int i = 0; i <= 100; i++) {
      values[i] = 100 - i; // order must not matter
    }
    double[] ci = Bootstrap.percentileInterval(values, 0.95);
    assertEquals(2.5, ci[0], 1e-12);
    assertEquals(97.5, ci[1], 1e-12);
  }

  private static double cosine(HookVectors v, int i, int j) {
    double dot = 0;
    double ni = 0;
    double nj = 0;
    for (int k = 0; k < v.d(); k++) {
      dot += (double) v.get(i, k) * v.get(j, k);
      ni += (double) v.get(i, k) * v.get(i, k);
      nj += (double) v.get(j, k) * v.get(j, k);
    }
    return dot / Math.sqrt(ni * nj);
  }
}
