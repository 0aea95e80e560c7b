package org.anisoscope.metrics;

import static org.anisoscope.metrics.EntropySums.HALF_BITS;
import static org.anisoscope.metrics.EntropySums.LN2_HI;
import static org.anisoscope.metrics.EntropySums.LN2_LO;
import static org.anisoscope.metrics.EntropySums.MANTISSA;
import static org.anisoscope.metrics.EntropySums.P0;
import static org.anisoscope.metrics.EntropySums.P1;
import static org.anisoscope.metrics.EntropySums.P2;
import static org.anisoscope.metrics.EntropySums.P3;
import static org.anisoscope.metrics.EntropySums.P4;
import static org.anisoscope.metrics.EntropySums.P5;
import static org.anisoscope.metrics.EntropySums.Q0;
import static org.anisoscope.metrics.EntropySums.Q1;
import static org.anisoscope.metrics.EntropySums.Q2;
import static org.anisoscope.metrics.EntropySums.Q3;
import static org.anisoscope.metrics.EntropySums.Q4;
import static org.anisoscope.metrics.EntropySums.SQRTH;
import static org.anisoscope.metrics.EntropySums.TWO52;
import static org.anisoscope.metrics.EntropySums.TWO52_BITS;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link EntropySums} in SIMD lanes (only {@link EntropySums} loads it, only with the {@code jdk.incubator.vector}
 * module). The weights are widened to double one at a time into a row buffer, then each lane runs
 * {@link EntropySums#log}'s operations (written out in the loop: a vector helper method that is not inlined boxes
 * every vector); the lanes' sums are added in lane order, then the ragged tail.
 */
final class VectorEntropySums {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final DoubleVector P1V = DoubleVector.broadcast(S, P1);
  private static final DoubleVector P2V = DoubleVector.broadcast(S, P2);
  private static final DoubleVector P3V = DoubleVector.broadcast(S, P3);
  private static final DoubleVector P4V = DoubleVector.broadcast(S, P4);
  private static final DoubleVector P5V = DoubleVector.broadcast(S, P5);
  private static final DoubleVector Q1V = DoubleVector.broadcast(S, Q1);
  private static final DoubleVector Q2V = DoubleVector.broadcast(S, Q2);
  private static final DoubleVector Q3V = DoubleVector.broadcast(S, Q3);
  private static final DoubleVector Q4V = DoubleVector.broadcast(S, Q4);
  private static final DoubleVector NEG_LN2_LO = DoubleVector.broadcast(S, -LN2_LO);
  private static final DoubleVector LN2_HI_V = DoubleVector.broadcast(S, LN2_HI);
  private static final DoubleVector NEG_HALF = DoubleVector.broadcast(S, -0.5);
  private static final ThreadLocal<double[]> BUFFER = ThreadLocal.withInitial(() -> new double[1024]);

  private VectorEntropySums() {}

  static double sum(float[] p, int from, int len) {
    double[] a = BUFFER.get();
    if (a.length < len) {
      a = new double[len];
      BUFFER.set(a);
    }
    for (int i = 0; i < len; i++) {
      a[i] = p[from + i];
    }
    int lanes = S.length();
    int bound = S.loopBound(len);
    DoubleVector acc = DoubleVector.zero(S);
    for (int i = 0; i < bound; i += lanes) {
      DoubleVector v = DoubleVector.fromArray(S, a, i);
      VectorMask<Double> positive = v.compare(VectorOperators.GT, 0.0);
      LongVector bits = v.reinterpretAsLongs();
      DoubleVector e = bits.lanewise(VectorOperators.LSHR, 52).or(TWO52_BITS).reinterpretAsDoubles().sub(TWO52)
          .sub(1022);
      DoubleVector m = bits.and(MANTISSA).or(HALF_BITS).reinterpretAsDoubles();
      VectorMask<Double> low = m.compare(VectorOperators.LT, SQRTH);
      e = e.blend(e.sub(1), low);
      DoubleVector x = m.sub(1).blend(m.add(m).sub(1), low);
      DoubleVector z = x.mul(x);
      DoubleVector pp = x.fma(P0, P1).fma(x, P2V).fma(x, P3V).fma(x, P4V).fma(x, P5V);
      DoubleVector qq = x.add(Q0).fma(x, Q1V).fma(x, Q2V).fma(x, Q3V).fma(x, Q4V);
      DoubleVector y = x.mul(z.mul(pp).div(qq));
      y = e.fma(NEG_LN2_LO, y);
      y = z.fma(NEG_HALF, y);
      DoubleVector ln = e.fma(LN2_HI_V, x.add(y));
      acc = acc.add(v.mul(ln).blend(0.0, positive.not()));
    }
    double s = 0;
    for (int k = 0; k < lanes; k++) {
      s += acc.lane(k);
    }
    for (int i = bound; i < len; i++) {
      double w = a[i];
      s += w > 0 ? w * EntropySums.log(w) : 0;
    }
    return s;
  }
}
