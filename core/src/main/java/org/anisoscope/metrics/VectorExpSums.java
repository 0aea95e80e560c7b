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
  private static final DoubleVector NEG_C1 = DoubleVector.broadcast(S, -C1);
  private static final DoubleVector NEG_C2 = DoubleVector.broadcast(S, -C2);
  private static final DoubleVector P2V = DoubleVector.broadcast(S, P2);
  private static final DoubleVector Q2V = DoubleVector.broadcast(S, Q2);
  private static final DoubleVector Q3V = DoubleVector.broadcast(S, Q3);

  private VectorExpSums() {}

  /** e^x per lane, {@link ExpSums#exp}'s arithmetic. */
  static DoubleVector exp(DoubleVector x) {
    VectorMask<Double> tiny = x.lt(MIN_ARG);
    DoubleVector y = x.min(MAX_ARG);
    DoubleVector t = y.fma(LOG2E, ROUND);
    DoubleVector n = t.sub(ROUND);
    DoubleVector r = n.fma(NEG_C1, y);
    r = n.fma(NEG_C2, r);
    DoubleVector rr = r.mul(r);
    DoubleVector px = r.mul(rr.fma(P0, P1).fma(rr, P2V));
    DoubleVector qx = rr.fma(Q0, Q1).fma(rr, Q2V).fma(rr, Q3V);
    DoubleVector e = px.div(qx.sub(px)).fma(2, 1);
    DoubleVector pow2 = t.reinterpretAsLongs().sub(BIAS).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
    return e.mul(pow2).blend(0, tiny);
  }

  // The loops below write exp's operations out in place rather than calling exp(): once exp() is JIT-compiled on
  // its own, its machine code is too large to be inlined into a caller (InlineSmallCode), and every vector crossing
  // the call is boxed (measured: a Double512Vector allocated per lane group, the fused uniformity row 4× slower).
  // Each copy is exp()'s arithmetic operation for operation (ExpSumsTest checks the sums bit for bit).

  static double[] shiftedSums(double[] x, int from, int len, double max, double min) {
    return new double[] {shiftedSum(x, from, len, 1, -max), shiftedSum(x, from, len, -1, min)};
  }

  /** {@code Σ exp(sign·x_i + shift)} (sign ±1: the same operations as {@code x_i − max} and {@code min − x_i}). */
  private static double shiftedSum(double[] x, int from, int len, int sign, double shift) {
    int lanes = S.length();
    int end = from + len;
    int bound = from + S.loopBound(len);
    DoubleVector acc = DoubleVector.zero(S);
    for (int i = from; i < bound; i += lanes) {
      DoubleVector v = DoubleVector.fromArray(S, x, i);
      DoubleVector arg = sign > 0 ? v.add(shift) : v.neg().add(shift);
      // exp(arg), written out
      VectorMask<Double> tiny = arg.lt(MIN_ARG);
      DoubleVector y = arg.min(MAX_ARG);
      DoubleVector t = y.fma(LOG2E, ROUND);
      DoubleVector n = t.sub(ROUND);
      DoubleVector r = n.fma(NEG_C1, y);
      r = n.fma(NEG_C2, r);
      DoubleVector rr = r.mul(r);
      DoubleVector px = r.mul(rr.fma(P0, P1).fma(rr, P2V));
      DoubleVector qx = rr.fma(Q0, Q1).fma(rr, Q2V).fma(rr, Q3V);
      DoubleVector e = px.div(qx.sub(px)).fma(2, 1);
      DoubleVector pow2 = t.reinterpretAsLongs().sub(BIAS).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
      acc = acc.add(e.mul(pow2).blend(0, tiny));
    }
    double total = laneSum(acc);
    for (int i = bound; i < end; i++) {
      total += ExpSums.exp(sign > 0 ? x[i] + shift : -x[i] + shift);
    }
    return total;
  }

  static double uniformityKernel(double[] c, int from, int len) {
    int lanes = S.length();
    int end = from + len;
    int bound = from + S.loopBound(len);
    DoubleVector s = DoubleVector.zero(S);
    for (int i = from; i < bound; i += lanes) {
      s = s.add(kernel(DoubleVector.fromArray(S, c, i)));
    }
    double total = laneSum(s);
    for (int i = bound; i < end; i++) {
      total += ExpSums.exp(4 * (Math.min(1.0, c[i]) - 1));
    }
    return total;
  }

  /**
   * {@code exp(4·(min(1, c) − 1))}, exp written out (the argument lies in [−8, 0]: no clamping). Small enough to be
   * inlined into {@link #uniformityKernel}.
   */
  private static DoubleVector kernel(DoubleVector c) {
    DoubleVector y = c.min(1.0).sub(1.0).mul(4.0);
    DoubleVector t = y.fma(LOG2E, ROUND);
    DoubleVector n = t.sub(ROUND);
    DoubleVector r = n.fma(NEG_C1, y);
    r = n.fma(NEG_C2, r);
    DoubleVector rr = r.mul(r);
    DoubleVector px = r.mul(rr.fma(P0, P1).fma(rr, P2V));
    DoubleVector qx = rr.fma(Q0, Q1).fma(rr, Q2V).fma(rr, Q3V);
    DoubleVector e = px.div(qx.sub(px)).fma(2, 1);
    return e.mul(t.reinterpretAsLongs().sub(BIAS).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
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
