package org.anisoscope.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Central finite differences in double precision against an analytic gradient:
 * {@code |a − n| ≤ atol + rtol·max(|a|, |n|)} for every checked entry.
 */
public final class GradientCheck {
  public static final double EPS = 1e-6;
  public static final double RTOL = 1e-5;
  public static final double ATOL = 1e-8;

  private GradientCheck() {
  }

  /**
   * Checks {@code analytic} (already computed) against finite differences of {@code loss} w.r.t. the entries of
   * {@code wrt} (perturbed in place and restored). {@code maxEntries} caps how many entries are checked (a
   * seeded sample when the array is larger).
   */
  public static void check(String what, INDArray wrt, INDArray analytic, DoubleSupplier loss, int maxEntries) {
    if (wrt.dataType() != DataType.DOUBLE) {
      throw new IllegalArgumentException("gradient checks need double precision, got " + wrt.dataType());
    }
    long len = wrt.length();
    INDArray flatW = wrt.reshape(len);       // views: wrt and analytic are c-order contiguous
    INDArray flatA = analytic.dup().reshape(len);
    Random r = new Random(len * 31 + what.hashCode());
    int checked = 0;
    double worst = 0;
    for (long i = 0; i < len && checked < maxEntries; i++) {
      long idx = len <= maxEntries ? i : (long) (r.nextDouble() * len);
      double orig = flatW.getDouble(idx);
      flatW.putScalar(idx, orig + EPS);
      double plus = loss.getAsDouble();
      flatW.putScalar(idx, orig - EPS);
      double minus = loss.getAsDouble();
      flatW.putScalar(idx, orig);
      double numeric = (plus - minus) / (2 * EPS);
      double a = flatA.getDouble(idx);
      double err = Math.abs(a - numeric);
      double tol = ATOL + RTOL * Math.max(Math.abs(a), Math.abs(numeric));
      worst = Math.max(worst, err / tol);
      assertTrue(err <= tol, String.format(java.util.Locale.ROOT,
          "%s[%d]: analytic %.10g vs numeric %.10g (|diff| %.3g > tol %.3g)", what, idx, a, numeric, err, tol));
      checked++;
    }
    assertTrue(checked > 0, what + ": nothing checked");
  }

  /** A seeded random double array. */
  public static INDArray random(long seed, long... shape) {
    Random r = new Random(seed);
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    double[] v = new double[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextGaussian();
    }
    return Nd4j.create(v, shape, DataType.DOUBLE);
  }

  /** {@code Σ y ⊙ r}: a scalar loss whose gradient w.r.t. y is r. */
  public static double project(INDArray y, INDArray r) {
    return y.mul(r).sumNumber().doubleValue();
  }
}
