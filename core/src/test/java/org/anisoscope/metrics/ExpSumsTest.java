package org.anisoscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.DoubleVector;
import org.junit.jupiter.api.Test;

class ExpSumsTest {
  private static final SplittableRandom RANDOM = new SplittableRandom(42);

  @Test
  void theVectorPathIsWhatTheTestsRun() {
    assertTrue(ExpSums.VECTOR, "surefire adds jdk.incubator.vector: the SIMD path must be the one under test");
  }

  /** Cephes' exp stays within 4 ulps of the JDK's over the whole normal range, exactly 1 at 0, 0 below −708. */
  @Test
  void expMatchesMathExp() {
    assertEquals(1.0, ExpSums.exp(0.0));
    assertEquals(0.0, ExpSums.exp(-709.0));
    assertEquals(0.0, ExpSums.exp(Double.NEGATIVE_INFINITY));
    assertTrue(Double.isNaN(ExpSums.exp(Double.NaN)));
    double worst = 0;
    for (int k = 0; k < 200_000; k++) {
      double x = k < 100_000 ? -8 * RANDOM.nextDouble() : -708 + 1417 * RANDOM.nextDouble();
      double want = Math.exp(x);
      worst = Math.max(worst, Math.abs(ExpSums.exp(x) - want) / Math.ulp(want));
    }
    for (double x : new double[] {-708, -707.9, -1e-300, 1e-300, 1, Math.log(2), 709}) {
      worst = Math.max(worst, Math.abs(ExpSums.exp(x) - Math.exp(x)) / Math.ulp(Math.exp(x)));
    }
    assertTrue(worst <= 4, "worst error " + worst + " ulps");
  }

  /** Each lane runs the scalar's operations: the same bits, including the tiny and NaN lanes. */
  @Test
  void lanesAgreeWithTheScalarBitForBit() {
    int lanes = DoubleVector.SPECIES_PREFERRED.length();
    double[] x = new double[lanes * 500];
    for (int i = 0; i < x.length; i++) {
      x[i] = -720 + 1430 * RANDOM.nextDouble();
    }
    x[0] = Double.NaN;
    x[1] = -750;
    x[2] = 0;
    double[] lane = new double[lanes];
    for (int i = 0; i < x.length; i += lanes) {
      VectorExpSums.exp(DoubleVector.fromArray(DoubleVector.SPECIES_PREFERRED, x, i)).intoArray(lane, 0);
      for (int k = 0; k < lanes; k++) {
        assertEquals(Double.doubleToRawLongBits(ExpSums.exp(x[i + k])), Double.doubleToRawLongBits(lane[k]),
            "x = " + x[i + k]);
      }
    }
  }

  private static final int LANES = DoubleVector.SPECIES_PREFERRED.length();

  /** {@code terms[0 .. bound)} summed as the lanes do: lane k holds the terms i ≡ k (mod LANES), then lanes in order. */
  private static double laneOrder(double[] terms, int bound) {
    double[] lane = new double[LANES];
    for (int i = 0; i < bound; i++) {
      lane[i % LANES] += terms[i];
    }
    double s = 0;
    for (double x : lane) {
      s += x;
    }
    return s;
  }

  /** The SIMD sums are exp() term by term, added in lane order: the same bits (the kernels write exp out in place). */
  @Test
  void shiftedSumsAreScalarExpsInLaneOrder() {
    for (int len : new int[] {5, 8, 100, 4099}) {
      double[] x = new double[len];
      double max = Double.NEGATIVE_INFINITY;
      double min = Double.POSITIVE_INFINITY;
      for (int i = 0; i < len; i++) {
        x[i] = 400 * RANDOM.nextGaussian();
        max = Math.max(max, x[i]);
        min = Math.min(min, x[i]);
      }
      double[] plus = new double[len];
      double[] minus = new double[len];
      for (int i = 0; i < len; i++) {
        plus[i] = ExpSums.exp(x[i] - max);
        minus[i] = ExpSums.exp(min - x[i]);
      }
      int bound = len - len % LANES;
      double p = laneOrder(plus, bound);
      double q = laneOrder(minus, bound);
      for (int i = bound; i < len; i++) {
        p += plus[i];
        q += minus[i];
      }
      double[] got = VectorExpSums.shiftedSums(x, 0, len, max, min);
      assertEquals(p, got[0], "len " + len);
      assertEquals(q, got[1], "len " + len);
    }
  }

  /** The shifted sums against Math.exp term by term (ragged lengths exercise the scalar tail). */
  @Test
  void shiftedSumsMatchPlainSums() {
    for (int len : new int[] {1, 3, 8, 17, 1000, 4099}) {
      double[] x = new double[len + 5];
      for (int i = 0; i < x.length; i++) {
        x[i] = 300 * RANDOM.nextGaussian();
      }
      double max = Double.NEGATIVE_INFINITY;
      double min = Double.POSITIVE_INFINITY;
      double[] want = new double[2];
      for (int i = 5; i < 5 + len; i++) {
        max = Math.max(max, x[i]);
        min = Math.min(min, x[i]);
      }
      for (int i = 5; i < 5 + len; i++) {
        want[0] += Math.exp(x[i] - max);
        want[1] += Math.exp(min - x[i]);
      }
      double[] got = ExpSums.shiftedSums(x, 5, len, max, min);
      double[] scalar = ExpSums.scalarShiftedSums(x, 5, len, max, min);
      for (int s = 0; s < 2; s++) {
        assertEquals(want[s], got[s], 1e-14 * want[s], "len " + len);
        assertEquals(want[s], scalar[s], 1e-14 * want[s], "len " + len);
      }
    }
  }

  /** Cosines of 1 give e⁰ = 1 per pair, −1 give e⁻⁸, values past 1 (rounding) count as 1; lanes as exp() in lane order. */
  @Test
  void uniformityKernelClosedFormsAndLaneOrder() {
    double[] c = {1, 1, 1, -1, -1, 1 + 1e-15, 0.5};
    assertEquals(3 + 2 * Math.exp(-8) + 1 + Math.exp(-2), ExpSums.uniformityKernel(c, 0, c.length), 1e-15);
    assertEquals(Math.exp(-8), ExpSums.uniformityKernel(c, 3, 1), 1e-20);
    for (int len : new int[] {7, 8, 2049}) {
      double[] r = new double[len + 3];
      double want = 0;
      double[] terms = new double[len];
      for (int i = 0; i < r.length; i++) {
        r[i] = 2.2 * RANDOM.nextDouble() - 1.1;
      }
      for (int i = 0; i < len; i++) {
        want += Math.exp(4 * (Math.min(1, r[i + 3]) - 1));
        terms[i] = ExpSums.exp(4 * (Math.min(1.0, r[i + 3]) - 1));
      }
      double got = ExpSums.uniformityKernel(r, 3, len);
      assertEquals(want, got, 1e-13 * want);
      int bound = len - len % LANES;
      double lanes = laneOrder(terms, bound);
      for (int i = bound; i < len; i++) {
        lanes += terms[i];
      }
      assertEquals(lanes, got, "len " + len + ": the lanes' bits");
    }
  }

  /** partition_iw's one-pass pair of log-sum-exps against the two plain ones, also with NaN and infinities. */
  @Test
  void logSumExpBothMatchesTwoPlainOnes() {
    for (double spread : new double[] {1e-3, 1, 50, 800, 5000}) {
      double[] x = new double[3000];
      for (int i = 0; i < x.length; i++) {
        x[i] = spread * RANDOM.nextGaussian() + 10;
      }
      double[] both = PartitionIsotropy.logSumExpBoth(x, 7, 2990);
      assertEquals(PartitionIsotropy.logSumExp(x, 7, 2990, 1), both[0], 1e-12 * Math.max(1, Math.abs(both[0])));
      assertEquals(PartitionIsotropy.logSumExp(x, 7, 2990, -1), both[1], 1e-12 * Math.max(1, Math.abs(both[1])));
    }
    double[] constant = {2, 2, 2, 2};
    double[] both = PartitionIsotropy.logSumExpBoth(constant, 0, 4);
    assertEquals(2 + Math.log(4), both[0], 1e-15);
    assertEquals(-2 + Math.log(4), both[1], 1e-15);
    both = PartitionIsotropy.logSumExpBoth(new double[] {1, Double.NaN}, 0, 2);
    assertTrue(Double.isNaN(both[0]) && Double.isNaN(both[1]));
    double[] infinite = {1, Double.POSITIVE_INFINITY};
    both = PartitionIsotropy.logSumExpBoth(infinite, 0, 2); // the plain ones' own handling
    assertEquals(PartitionIsotropy.logSumExp(infinite, 0, 2, 1), both[0]);
    assertEquals(PartitionIsotropy.logSumExp(infinite, 0, 2, -1), both[1]);
  }
}
