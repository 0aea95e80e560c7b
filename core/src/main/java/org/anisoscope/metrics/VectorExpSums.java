package org.anisoscope.metrics;

import static org.anisoscope.metrics.ExpSums.C1;
import static org.anisoscope.metrics.ExpSums.C2;
import static org.anisoscope.metrics.ExpSums.LOG2E;
import static org.anisoscope.metrics.ExpSums.MAX_ARG;
import static org.anisoscope.metrics.ExpSums.MIN_ARG;
import static org.anisoscope.metrics.ExpSums.P0;
import static org.anisoscope.metrics.ExpSums.P1;
import static org.anisoscope.metrics.ExpSums.P2;
import static org.anisoscope.metrics.ExpSums.Q0;
import static org.anisoscope.metrics.ExpSums.Q1;
import static org.anisoscope.metrics.ExpSums.Q2;
import static org.anisoscope.metrics.ExpSums.Q3;
import static org.anisoscope.metrics.ExpSums.ROUND;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ExpSums} in SIMD lanes (jdk.incubator.vector; only {@link ExpSums} loads this class, and only when that
 * module is present). Each lane runs {@link ExpSums#exp}'s operations, so lane and scalar agree bit for bit; the
 * lanes' partial sums are added in a fixed order at the end, then the ragged tail one element at a time.
 */
final class VectorExpSums {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final long BIAS = Double.doubleToRawLongBits(ROUND) - 1023;

  private VectorExpSums() {}

  /** e^x per lane, {@link ExpSums#exp}'s arithmetic. */
  static DoubleVector exp(DoubleVector x) {
    VectorMask<Double> tiny = x.lt(MIN_ARG);
    DoubleVector y = x.min(MAX_ARG);
    DoubleVector t = y.fma(LOG2E, ROUND);
    DoubleVector n = t.sub(ROUND);
    DoubleVector r = n.fma(DoubleVector.broadcast(S, -C1), y);
    r = n.fma(DoubleVector.broadcast(S, -C2), r);
    DoubleVector rr = r.mul(r);
    DoubleVector px = r.mul(rr.fma(P0, P1).fma(rr, DoubleVector.broadcast(S, P2)));
    DoubleVector qx = rr.fma(Q0, Q1).fma(rr, DoubleVector.broadcast(S, Q2)).fma(rr, DoubleVector.broadcast(S, Q3));
    DoubleVector e = px.div(qx.sub(px)).fma(2, 1);
    DoubleVector pow2 = t.reinterpretAsLongs().sub(BIAS).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
    return e.mul(pow2).blend(0, tiny);
  }

  static double[] shiftedSums(double[] x, int from, int len, double max, double min) {
    int lanes = S.length();
    int end = from + len;
    int bound = from + S.loopBound(len);
    DoubleVector plus = DoubleVector.zero(S);
    DoubleVector minus = DoubleVector.zero(S);
    for (int i = from; i < bound; i += lanes) {
      DoubleVector v = DoubleVector.fromArray(S, x, i);
      plus = plus.add(exp(v.sub(max)));
      minus = minus.add(exp(v.neg().add(min)));
    }
    double p = laneSum(plus);
    double m = laneSum(minus);
    for (int i = bound; i < end; i++) {
      p += ExpSums.exp(x[i] - max);
      m += ExpSums.exp(min - x[i]);
    }
    return new double[] {p, m};
  }

  static double uniformityKernel(double[] c, int from, int len) {
    int lanes = S.length();
    int end = from + len;
    int bound = from + S.loopBound(len);
    DoubleVector s = DoubleVector.zero(S);
    for (int i = from; i < bound; i += lanes) {
      DoubleVector v = DoubleVector.fromArray(S, c, i).min(1.0);
      s = s.add(exp(v.sub(1.0).mul(4.0)));
    }
    double total = laneSum(s);
    for (int i = bound; i < end; i++) {
      total += ExpSums.exp(4 * (Math.min(1.0, c[i]) - 1));
    }
    return total;
  }

  /** The lanes added in index order (not the vector API's ADD reduction, whose order is unspecified). */
  private static double laneSum(DoubleVector v) {
    double s = 0;
    for (int k = 0; k < S.length(); k++) {
      s += v.lane(k);
    }
    return s;
  }
}
