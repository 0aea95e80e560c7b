package org.anisoscope.metrics;

/**
 * Sums of exponentials, the inner loops of {@code partition_iw} (2·N·d of them per hook) and {@code uniformity}
 * (m(m − 1)/2 per hook), which took most of a probe with every metric when each went through {@link Math#exp}.
 *
 * <p>The exponential is Cephes' {@code exp} in double precision (range reduction by ln 2, a degree 2/3 rational
 * function; relative error about 2·10⁻¹⁶, {@code ExpSumsTest} holds it to 4 ulps of {@link Math#exp}), written with
 * IEEE operations only (no vector-API {@code EXP}, whose interpreted and compiled roundings differ, and no vector
 * {@code ADD} reduction, whose order is unspecified): a seeded run gives the same bits every time. With the JDK's
 * {@code jdk.incubator.vector} module (the scripts and tests add it) the sums run 8 double lanes wide
 * ({@code VectorExpSums}); without it the same arithmetic one element at a time, whose sums may differ in the last
 * bits (another summation order).
 */
final class ExpSums {
  static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
      && !Boolean.getBoolean("anisoscope.scalar-exp");

  static final double LOG2E = 1.4426950408889634073599;
  /** 1.5·2⁵²: {@code y + ROUND} rounds y to an integer held in the low bits of the result. */
  static final double ROUND = 6755399441055744.0;
  static final double C1 = 6.93145751953125E-1;
  static final double C2 = 1.42860682030941723212E-6;
  static final double P0 = 1.26177193074810590878E-4;
  static final double P1 = 3.02994407707441961300E-2;
  static final double P2 = 9.99999999999999999910E-1;
  static final double Q0 = 3.00198505138664455042E-6;
  static final double Q1 = 2.52448340349684104192E-3;
  static final double Q2 = 2.27265548208155028766E-1;
  static final double Q3 = 2.00000000000000000009E0;
  /** Below this, e^x is subnormal: taken as 0 (every sum here holds a term ≥ e^−8 or 1). */
  static final double MIN_ARG = -708.0;
  static final double MAX_ARG = 709.0;

  private ExpSums() {}

  /** e^x by the same operations as the vector lanes (0 below {@link #MIN_ARG}; NaN stays NaN). */
  static double exp(double x) {
    if (x < MIN_ARG) {
      return 0;
    }
    double y = Math.min(x, MAX_ARG);
    double t = Math.fma(y, LOG2E, ROUND);
    double n = t - ROUND;                  // round(y / ln 2)
    double r = Math.fma(n, -C1, y);
    r = Math.fma(n, -C2, r);               // y − n·ln 2, |r| ≤ ln 2 / 2
    double rr = r * r;
    double px = r * Math.fma(Math.fma(P0, rr, P1), rr, P2);
    double qx = Math.fma(Math.fma(Math.fma(Q0, rr, Q1), rr, Q2), rr, Q3);
    double e = Math.fma(2, px / (qx - px), 1);
    long bits = (Double.doubleToRawLongBits(t) - (Double.doubleToRawLongBits(ROUND) - 1023)) << 52;
    return e * Double.longBitsToDouble(bits); // · 2ⁿ
  }

  /**
   * {@code {Σ_i exp(x_i − max), Σ_i exp(min − x_i)}} over {@code x[from .. from + len)}, max and min of that range:
   * the shifted sums of a log-sum-exp of x and of −x. The caller handles non-finite values first.
   */
  static double[] shiftedSums(double[] x, int from, int len, double max, double min) {
    return VECTOR ? VectorExpSums.shiftedSums(x, from, len, max, min) : scalarShiftedSums(x, from, len, max, min);
  }

  static double[] scalarShiftedSums(double[] x, int from, int len, double max, double min) {
    double plus = 0;
    double minus = 0;
    for (int i = from; i < from + len; i++) {
      plus += exp(x[i] + -max);
      minus += exp(-x[i] + min);
    }
    return new double[] {plus, minus};
  }

  /** {@code Σ_{i<len} exp(4·(min(1, c[from + i]) − 1))}: the uniformity kernel of the cosines of one row. */
  static double uniformityKernel(double[] c, int from, int len) {
    return VECTOR ? VectorExpSums.uniformityKernel(c, from, len) : scalarUniformityKernel(c, from, len);
  }

  static double scalarUniformityKernel(double[] c, int from, int len) {
    double s = 0;
    for (int i = from; i < from + len; i++) {
      s += exp(4 * (Math.min(1.0, c[i]) - 1));
    }
    return s;
  }
}
