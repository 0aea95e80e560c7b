package org.anisoscope.metrics;

/**
 * {@code Σ a·ln a} over attention weights, the inner loop of {@code attn_entropy} (one logarithm per weight: B·H·T²
 * per layer and probe batch, a tenth of a probe of 384 sequences through {@link Math#log}).
 *
 * <p>The logarithm is Cephes' {@code log} in double precision (frexp, then {@code log(1 + x) = x − x²/2 +
 * x³·P(x)/Q(x)}; relative error about 10⁻¹⁶, {@code EntropySumsTest} holds it to 4 ulps of {@link Math#log}),
 * written with IEEE operations only, so lanes and one-at-a-time agree bit for bit and a seeded run repeats to the
 * bit; SIMD lanes ({@code VectorEntropySums}) with the {@code jdk.incubator.vector} module, like {@link ExpSums}.
 */
final class EntropySums {
  static final double SQRTH = 0.70710678118654752440;
  static final double P0 = 1.01875663804580931796E-4;
  static final double P1 = 4.97494994976747001425E-1;
  static final double P2 = 4.70579119878881725854E0;
  static final double P3 = 1.44989225341610930846E1;
  static final double P4 = 1.79368678507819816313E1;
  static final double P5 = 7.70838733755885391666E0;
  static final double Q0 = 1.12873587189167450590E1;
  static final double Q1 = 4.52279145837532221105E1;
  static final double Q2 = 8.29875266912776603211E1;
  static final double Q3 = 7.11544750618563894466E1;
  static final double Q4 = 2.31251620126765340583E1;
  static final double LN2_LO = 2.121944400546905827679E-4;
  static final double LN2_HI = 0.693359375;
  /** 2⁵², as a double and as bits: {@code bits(2⁵² + k) = bits(2⁵²) + k} for 0 ≤ k < 2⁵². */
  static final double TWO52 = 4503599627370496.0;
  static final long TWO52_BITS = Double.doubleToRawLongBits(TWO52);
  static final long MANTISSA = 0x000FFFFFFFFFFFFFL;
  static final long HALF_BITS = Double.doubleToRawLongBits(0.5);

  private EntropySums() {}

  /** ln a for a normal positive double (every positive float is one), by the lanes' operations. */
  static double log(double a) {
    long bits = Double.doubleToRawLongBits(a);
    double e = Double.longBitsToDouble(TWO52_BITS | (bits >>> 52)) - TWO52 - 1022; // a = m·2^e, m in [0.5, 1)
    double m = Double.longBitsToDouble((bits & MANTISSA) | HALF_BITS);
    boolean low = m < SQRTH;
    e = low ? e - 1 : e;
    double x = low ? m + m - 1 : m - 1;
    double z = x * x;
    double p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(P0, x, P1), x, P2), x, P3), x, P4), x, P5);
    double q = Math.fma(Math.fma(Math.fma(Math.fma(x + Q0, x, Q1), x, Q2), x, Q3), x, Q4);
    double y = x * (z * p / q);
    y = Math.fma(e, -LN2_LO, y);
    y = Math.fma(z, -0.5, y);
    return Math.fma(e, LN2_HI, x + y);
  }

  /** {@code Σ a·ln a} over the positive entries of {@code p[from .. from + len)} (zeros add nothing; no NaN, no negatives). */
  static double sum(float[] p, int from, int len) {
    return ExpSums.VECTOR ? VectorEntropySums.sum(p, from, len) : scalarSum(p, from, len);
  }

  static double scalarSum(float[] p, int from, int len) {
    double s = 0;
    for (int i = from; i < from + len; i++) {
      double a = p[i];
      s += a > 0 ? a * log(a) : 0;
    }
    return s;
  }
}
