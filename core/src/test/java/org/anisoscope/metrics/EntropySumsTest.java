package org.anisoscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.DoubleVector;
import org.junit.jupiter.api.Test;

class EntropySumsTest {
  private static final SplittableRandom RANDOM = new SplittableRandom(7);
  private static final int LANES = DoubleVector.SPECIES_PREFERRED.length();

  /** Cephes' log within 4 ulps of the JDK's for every kind of float weight, exactly 0 at 1. */
  @Test
  void logMatchesMathLog() {
    assertEquals(0.0, EntropySums.log(1.0));
    double worst = 0;
    for (int k = 0; k < 300_000; k++) {
      double a = k < 100_000 ? RANDOM.nextDouble() : k < 200_000 ? Math.pow(2, -149 * RANDOM.nextDouble())
          : 1e-3 * RANDOM.nextDouble();
      a = (float) a;
      if (a <= 0) {
        continue;
      }
      double want = Math.log(a);
      worst = Math.max(worst, Math.abs(EntropySums.log(a) - want) / Math.ulp(want));
    }
    for (double a : new double[] {Float.MIN_VALUE, Float.MIN_NORMAL, 0.5, Math.nextDown(1f), 0.70710677f, 0.70710683f,
        2, 1e10}) {
      worst = Math.max(worst, Math.abs(EntropySums.log(a) - Math.log(a)) / Math.ulp(Math.log(a)));
    }
    assertTrue(worst <= 4, "worst error " + worst + " ulps");
  }

  /** The SIMD sum is a·log(a) term by term in lane order, then the tail: the same bits as the scalar arithmetic. */
  @Test
  void lanesAreTheScalarTermsInLaneOrder() {
    assertTrue(ExpSums.VECTOR, "the SIMD path is the one under test");
    for (int len : new int[] {1, 7, 8, 64, 128, 131}) {
      float[] p = new float[len + 2];
      for (int i = 0; i < p.length; i++) {
        p[i] = RANDOM.nextInt(4) == 0 ? 0f : (float) Math.pow(RANDOM.nextDouble(), 3);
      }
      double[] lane = new double[LANES];
      int bound = len - len % LANES;
      for (int i = 0; i < bound; i++) {
        double a = p[2 + i];
        lane[i % LANES] += a > 0 ? a * EntropySums.log(a) : 0;
      }
      double want = 0;
      for (double x : lane) {
        want += x;
      }
      for (int i = bound; i < len; i++) {
        double a = p[2 + i];
        want += a > 0 ? a * EntropySums.log(a) : 0;
      }
      assertEquals(want, EntropySums.sum(p, 2, len), "len " + len);
      double plain = 0;
      for (int i = 0; i < len; i++) {
        plain += p[2 + i] > 0 ? p[2 + i] * Math.log(p[2 + i]) : 0;
      }
      assertEquals(plain, EntropySums.sum(p, 2, len), 1e-14 * Math.max(1, Math.abs(plain)));
    }
  }
}
