package org.anisoscope.model;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.anisoscope.util.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The fused float32 kernels behind {@link Kernels}, written with the JDK's vector API (SIMD lanes; {@code exp} is the
 * JDK's vectorised intrinsic) over the arrays' native memory, rows split across {@link Parallel}'s threads. Only
 * {@link Kernels} calls this class, and only when the {@code jdk.incubator.vector} module is present.
 */
final class VectorKernels {
  /** 8 float lanes (AVX2, the CPU classifier the build uses); {@link #sum} is written for 8. */
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
  private static final int L = S.length();
  private static final VectorSpecies<Byte> B = ByteVector.SPECIES_256;
  private static final int BL = B.length();
  private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
  /** {@code HEAD[r]}: the first r lanes. */
  @SuppressWarnings("unchecked")
  private static final VectorMask<Float>[] HEAD = new VectorMask[L + 1];
  private static final float INV_SQRT2 = (float) (1.0 / Math.sqrt(2.0));
  private static final float INV_SQRT_2PI = (float) (1.0 / Math.sqrt(2.0 * Math.PI));

  /** {@code TAIL[r]}: all lanes from r on. */
  @SuppressWarnings("unchecked")
  private static final VectorMask<Float>[] TAIL = new VectorMask[L + 1];
  /** Shuffles exchanging the halves, the quarters and the neighbours of a vector (for {@link #sum}). */
  private static final VectorShuffle<Float> SWAP4 = VectorShuffle.fromOp(S, i -> i ^ 4);
  private static final VectorShuffle<Float> SWAP2 = VectorShuffle.fromOp(S, i -> i ^ 2);
  private static final VectorShuffle<Float> SWAP1 = VectorShuffle.fromOp(S, i -> i ^ 1);

  static {
    for (int r = 0; r <= L; r++) {
      HEAD[r] = S.indexInRange(0, r);
      TAIL[r] = HEAD[r].not();
    }
  }

  private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
  private static final float LOG2E = 1.44269504f;
  private static final float ROUND = 12582912f; // 1.5·2²³: x + ROUND rounds x to an integer in the low bits
  private static final FloatVector LN2_HI = FloatVector.broadcast(S, -0.693359375f);
  private static final FloatVector LN2_LO = FloatVector.broadcast(S, 2.12194440e-4f);

  private VectorKernels() {
  }

  /**
   * e^x for float lanes, Cephes' expf (range reduction by ln 2, degree-6 polynomial; ≈ 1e-7 relative error),
   * written with lane-wise IEEE operations only. The vector API's own {@code EXP} and its {@code ADD} reduction
   * give different roundings interpreted and JIT-compiled (and the reduction order is unspecified), which would
   * make a seeded run differ from itself in the last bits; with this and {@link #sum} it cannot.
   */
  static FloatVector exp(FloatVector x) {
    x = x.max(-87.0f).min(88.0f);
    FloatVector t = x.fma(LOG2E, ROUND);
    FloatVector n = t.sub(ROUND);
    FloatVector r = n.fma(LN2_HI, x);
    r = n.fma(LN2_LO, r);
    FloatVector p = r.fma(1.9875691500E-4f, 1.3981999507E-3f);
    p = p.fma(r, FloatVector.broadcast(S, 8.3334519073E-3f));
    p = p.fma(r, FloatVector.broadcast(S, 4.1665795894E-2f));
    p = p.fma(r, FloatVector.broadcast(S, 1.6666665459E-1f));
    p = p.fma(r, FloatVector.broadcast(S, 5.0000001201E-1f));
    p = p.mul(r).fma(r, r).add(1f);
    FloatVector pow2 = t.reinterpretAsInts().sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23)
        .reinterpretAsFloats();
    return p.mul(pow2);
  }

  /**
   * Sum of the lanes by a fixed pairwise tree (halves, quarters, …): reproducible, unlike the vector API's ADD
   * reduction, whose order is unspecified and differed between interpreted and compiled code.
   */
  private static float sum(FloatVector v) {
    FloatVector a = v.add(v.rearrange(SWAP4));
    FloatVector b = a.add(a.rearrange(SWAP2));
    return b.add(b.rearrange(SWAP1)).lane(0);
  }

  // (No helper methods around fromByteBuffer/intoByteBuffer: with JDK 17's vector API such a helper made the JIT
  // box every vector — 128 bytes allocated per 8 floats, kernels 2–3× slower — so the loads and stores are
  // written out in place.)

  /**
   * Rows of {@code rowLength} elements per thread at least: a kernel is split across threads only from 2¹⁸ elements
   * a part on (below, the hand-over to a worker cost more than it saved: measured at batch 12 × 64 tokens).
   */
  private static int perPart(int rowLength) {
    return Math.max(1, minPart / Math.max(1, rowLength));
  }

  static volatile int minPart = Integer.getInteger("anisoscope.kernel-split-elements", 1 << 18);

  /** acc += the per-part partial sums, in part order (the same bits whichever thread finished first). */
  private static void addParts(float[][] partial, double[] acc) {
    for (float[] part : partial) {
      for (int j = 0; j < acc.length; j++) {
        acc[j] += part[j];
      }
    }
  }

  private static ByteBuffer mem(INDArray x) {
    return x.data().asNio().order(NATIVE);
  }

  /** Rows of a contiguous {@code [rows, t]} array: p = softmax(scale·s) over the first len(r) entries, 0 after. */
  static void softmaxForward(INDArray scores, INDArray probs, int rows, int t, float scale, boolean causal) {
    ByteBuffer s = mem(scores);
    ByteBuffer p = mem(probs);
    boolean vec = t % L == 0;
    Parallel.forRange(rows, perPart(t), (lo, hi) -> {
      for (int r = lo; r < hi; r++) {
        int len = causal ? r % t + 1 : t;
        long base = (long) r * t;
        int full = vec ? len / L * L : 0;
        int rem = vec ? len - full : 0;
        int end = vec ? (rem > 0 ? full + L : full) : len; // rounded up to whole vectors (≤ t)
        float max = Float.NEGATIVE_INFINITY;
        if (vec) {
          FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
          for (int j = 0; j < full; j += L) {
            vmax = vmax.max(FloatVector.fromByteBuffer(S, s, (int) ((base + j) << 2), NATIVE));
          }
          max = vmax.reduceLanes(VectorOperators.MAX);
          if (rem > 0) { // (no vector variable is reassigned under a condition: the JIT boxed such vectors)
            max = Math.max(max, FloatVector.fromByteBuffer(S, s, (int) ((base + full) << 2), NATIVE)
                .blend(Float.NEGATIVE_INFINITY, TAIL[rem]).reduceLanes(VectorOperators.MAX));
          }
        } else {
          for (int j = 0; j < len; j++) {
            max = Math.max(max, s.getFloat((int) ((base + j) << 2)));
          }
        }
        float shift = max * scale;
        float sum = 0;
        if (vec) {
          FloatVector vsum = FloatVector.zero(S);
          for (int j = 0; j < full; j += L) {
            FloatVector e = exp(FloatVector.fromByteBuffer(S, s, (int) ((base + j) << 2), NATIVE).mul(scale)
                .sub(shift));
            e.intoByteBuffer(p, (int) ((base + j) << 2), NATIVE);
            vsum = vsum.add(e);
          }
          sum = sum(vsum);
          if (rem > 0) { // the partial vector: lanes from len on are masked (kept out of the sum, written as 0)
            FloatVector x = FloatVector.fromByteBuffer(S, s, (int) ((base + full) << 2), NATIVE).mul(scale)
                .sub(shift);
            FloatVector e = exp(x.blend(Float.NEGATIVE_INFINITY, TAIL[rem])).blend(0f, TAIL[rem]);
            e.intoByteBuffer(p, (int) ((base + full) << 2), NATIVE);
            sum += sum(e);
          }
          FloatVector inv = FloatVector.broadcast(S, 1f / sum);
          for (int j = 0; j < end; j += L) {
            FloatVector.fromByteBuffer(S, p, (int) ((base + j) << 2), NATIVE).mul(inv)
                .intoByteBuffer(p, (int) ((base + j) << 2), NATIVE);
          }
          FloatVector zero = FloatVector.zero(S);
          for (int j = end; j < t; j += L) {
            zero.intoByteBuffer(p, (int) ((base + j) << 2), NATIVE);
          }
        } else {
          for (int j = 0; j < len; j++) {
            float e = expScalar(s.getFloat((int) ((base + j) << 2)) * scale - shift);
            p.putFloat((int) ((base + j) << 2), e);
            sum += e;
          }
          float inv = 1f / sum;
          for (int j = 0; j < t; j++) {
            int at = (int) ((base + j) << 2);
            p.putFloat(at, j < len ? p.getFloat(at) * inv : 0f);
          }
        }
      }
    });
  }

  /** In place: dP ← scale · P ⊙ (dP − Σ_j dP ⊙ P), row by row; entries after len(r) (where P = 0) become 0. */
  static void softmaxBackward(INDArray probs, INDArray dP, int rows, int t, float scale, boolean causal) {
    ByteBuffer p = mem(probs);
    ByteBuffer d = mem(dP);
    boolean vec = t % L == 0;
    Parallel.forRange(rows, perPart(t), (lo, hi) -> {
      for (int r = lo; r < hi; r++) {
        int len = causal ? r % t + 1 : t;
        long base = (long) r * t;
        int end = vec ? (len + L - 1) / L * L : len;
        float dot;
        if (vec) {
          FloatVector acc = FloatVector.zero(S);
          for (int j = 0; j < end; j += L) {
            acc = FloatVector.fromByteBuffer(S, d, (int) ((base + j) << 2), NATIVE)
                .fma(FloatVector.fromByteBuffer(S, p, (int) ((base + j) << 2), NATIVE), acc);
          }
          dot = sum(acc);
          for (int j = 0; j < end; j += L) {
            FloatVector.fromByteBuffer(S, d, (int) ((base + j) << 2), NATIVE).sub(dot)
                .mul(FloatVector.fromByteBuffer(S, p, (int) ((base + j) << 2), NATIVE)).mul(scale)
                    .intoByteBuffer(d, (int) ((base + j) << 2), NATIVE);
          }
          FloatVector zero = FloatVector.zero(S);
          for (int j = end; j < t; j += L) {
            zero.intoByteBuffer(d, (int) ((base + j) << 2), NATIVE);
          }
        } else {
          dot = 0;
          for (int j = 0; j < len; j++) {
            int at = (int) ((base + j) << 2);
            dot += d.getFloat(at) * p.getFloat(at);
          }
          for (int j = 0; j < t; j++) {
            int at = (int) ((base + j) << 2);
            d.putFloat(at, j < len ? (d.getFloat(at) - dot) * p.getFloat(at) * scale : 0f);
          }
        }
      }
    });
  }

  /**
   * Row by row over contiguous {@code [n, m]} arrays of pre-activations {@code h} (without the bias {@code b} of the
   * layer before, which is added here): act = GELU(h + b) = x·Φ(x) and grad = GELU'(x) = Φ(x) + x·φ(x), all the
   * backward pass needs. {@code h} itself is left as it was.
   */
  static void geluForward(INDArray h, float[] bias, INDArray grad, INDArray act, int n, int m) {
    ByteBuffer hb = mem(h);
    ByteBuffer gb = mem(grad);
    ByteBuffer ab = mem(act);
    int full = m / L * L;
    Parallel.forRange(n, perPart(m), (lo, hi) -> {
      for (int r = lo; r < hi; r++) {
        long base = (long) r * m;
        for (int j = 0; j < full; j += L) {
          geluAt(hb, gb, ab, bias, base + j, j);
        }
        for (int j = full; j < m; j++) {
          int at = (int) ((base + j) << 2);
          float x = hb.getFloat(at) + bias[j];
          float c = 0.5f * (1f + erf(x * INV_SQRT2));
          gb.putFloat(at, c + x * INV_SQRT_2PI * expScalar(-0.5f * x * x));
          ab.putFloat(at, x * c);
        }
      }
    });
  }

  /**
   * One vector of {@link #geluForward}, in its own method: as one JIT compilation unit every vector operation is
   * inlined and stays in registers (inside the loop's larger method the JIT gave up inlining some and the kernel ran
   * 2× slower).
   */
  private static void geluAt(ByteBuffer hb, ByteBuffer gb, ByteBuffer ab, float[] bias, long i, int j) {
    FloatVector x = FloatVector.fromByteBuffer(S, hb, (int) (i << 2), NATIVE).add(FloatVector.fromArray(S, bias, j));
    // Φ(x) = ½(1 + erf(x/√2)), erf by Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7)
    FloatVector z = x.abs().mul(INV_SQRT2);
    FloatVector t = ONE.div(z.fma(0.3275911f, 1f));
    FloatVector poly = t.fma(1.061405429f, -1.453152027f);
    poly = poly.mul(t).add(1.421413741f);
    poly = poly.mul(t).add(-0.284496736f);
    poly = poly.mul(t).add(0.254829592f);
    poly = poly.mul(t);
    FloatVector g = exp(z.mul(z).neg());                   // e^{-x²/2} = √(2π)·φ(x)
    FloatVector e = ONE.sub(poly.mul(g));                  // erf(|x|/√2)
    FloatVector c = ONE.add(e.blend(e.neg(), x.lt(0f))).mul(0.5f);
    x.mul(g).mul(INV_SQRT_2PI).add(c).intoByteBuffer(gb, (int) (i << 2), NATIVE);
    x.mul(c).intoByteBuffer(ab, (int) (i << 2), NATIVE);
  }

  /**
   * In place: dAct ← dAct ⊙ GELU'(h) (from {@link #geluForward}); adds the column sums of the result (the gradient
   * of the bias folded into the forward kernel) to {@code dBias}.
   */
  static void geluBackward(INDArray grad, INDArray dAct, double[] dBias, int n, int m) {
    ByteBuffer gb = mem(grad);
    ByteBuffer db = mem(dAct);
    int full = m / L * L;
    int parts = Parallel.parts(n, perPart(m));
    float[][] partial = new float[parts][m];
    Parallel.forParts(n, perPart(m), (q, lo, hi) -> {
      float[] sums = partial[q];
      for (int r = lo; r < hi; r++) {
        long base = (long) r * m;
        for (int j = 0; j < full; j += L) {
          long i = base + j;
          FloatVector d = FloatVector.fromByteBuffer(S, db, (int) (i << 2), NATIVE)
              .mul(FloatVector.fromByteBuffer(S, gb, (int) (i << 2), NATIVE));
          d.intoByteBuffer(db, (int) (i << 2), NATIVE);
          d.add(FloatVector.fromArray(S, sums, j)).intoArray(sums, j);
        }
        for (int j = full; j < m; j++) {
          int at = (int) ((base + j) << 2);
          float d = db.getFloat(at) * gb.getFloat(at);
          db.putFloat(at, d);
          sums[j] += d;
        }
      }
    });
    addParts(partial, dBias);
  }

  /** e^x for one float through the same arithmetic as {@link #exp} (ragged tails), so tails and lanes agree. */
  private static float expScalar(float x) {
    return exp(FloatVector.broadcast(S, x)).lane(0);
  }

  private static float erf(float x) {
    float z = Math.abs(x);
    float t = 1f / (1f + 0.3275911f * z);
    float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f
        + t * 1.061405429f))));
    float e = 1f - poly * expScalar(-z * z);
    return x < 0 ? -e : e;
  }

  /**
   * Layer norm of the rows of {@code x [n, dim]}: xhat = (x − μ)/σ, y = γ ⊙ xhat + β, rstd = 1/σ (σ² the biased
   * variance + eps).
   */
  static void layerNormForward(INDArray x, float[] gamma, float[] beta, float eps, INDArray xhat, INDArray y,
      INDArray rstd, int n, int dim) {
    layerNormForward(x, null, null, gamma, beta, eps, xhat, null, y, rstd, n, dim);
  }

  /**
   * {@link #layerNormForward} of {@code x + add}, which is also written to {@code total} (a residual add fused into the
   * layer norm that follows it: one pass over the rows instead of two). The same bits as the add followed by the
   * layer norm. With {@code add} null, x itself is normalised and {@code total} is not used. {@code xhat} null:
   * x̂ is not kept, the row means go to {@code means [n, 1]} instead ({@link #layerNormBackward} recomputes x̂ from
   * the normalised input, the same bits); either may be null, not both.
   */
  static void layerNormForward(INDArray x, INDArray add, INDArray total, float[] gamma, float[] beta, float eps,
      INDArray xhat, INDArray means, INDArray y, INDArray rstd, int n, int dim) {
    ByteBuffer mb = means == null ? null : mem(means);
    ByteBuffer ab = add == null ? null : mem(add);
    ByteBuffer xb = add == null ? mem(x) : mem(total); // what is normalised (the sum, once written)
    ByteBuffer inb = mem(x);
    ByteBuffer hb = xhat == null ? null : mem(xhat);
    ByteBuffer yb = mem(y);
    ByteBuffer rb = mem(rstd);
    int full = dim / L * L;
    Parallel.forRange(n, perPart(dim), (lo, hi) -> {
      for (int r = lo; r < hi; r++) {
        long base = (long) r * dim;
        float sum;
        if (ab == null) {
          FloatVector acc = FloatVector.zero(S);
          for (int j = 0; j < full; j += L) {
            acc = acc.add(FloatVector.fromByteBuffer(S, xb, (int) ((base + j) << 2), NATIVE));
          }
          sum = sum(acc);
          for (int j = full; j < dim; j++) {
            sum += xb.getFloat((int) ((base + j) << 2));
          }
        } else { // the sum x + add, stored, and summed as the plain path sums what it loads
          FloatVector acc = FloatVector.zero(S);
          for (int j = 0; j < full; j += L) {
            FloatVector v = FloatVector.fromByteBuffer(S, inb, (int) ((base + j) << 2), NATIVE)
                .add(FloatVector.fromByteBuffer(S, ab, (int) ((base + j) << 2), NATIVE));
            v.intoByteBuffer(xb, (int) ((base + j) << 2), NATIVE);
            acc = acc.add(v);
          }
          sum = sum(acc);
          for (int j = full; j < dim; j++) {
            int at = (int) ((base + j) << 2);
            float v = inb.getFloat(at) + ab.getFloat(at);
            xb.putFloat(at, v);
            sum += v;
          }
        }
        float mean = sum / dim;
        FloatVector sq = FloatVector.zero(S);
        for (int j = 0; j < full; j += L) {
          FloatVector c = FloatVector.fromByteBuffer(S, xb, (int) ((base + j) << 2), NATIVE).sub(mean);
          sq = c.fma(c, sq);
        }
        float var = sum(sq);
        for (int j = full; j < dim; j++) {
          float c = xb.getFloat((int) ((base + j) << 2)) - mean;
          var += c * c;
        }
        float inv = (float) (1.0 / Math.sqrt(var / dim + eps));
        rb.putFloat(r << 2, inv);
        if (mb != null) {
          mb.putFloat(r << 2, mean);
        }
        if (hb != null) {
          for (int j = 0; j < full; j += L) {
            FloatVector h = FloatVector.fromByteBuffer(S, xb, (int) ((base + j) << 2), NATIVE).sub(mean).mul(inv);
            h.intoByteBuffer(hb, (int) ((base + j) << 2), NATIVE);
            h.fma(FloatVector.fromArray(S, gamma, j), FloatVector.fromArray(S, beta, j))
                .intoByteBuffer(yb, (int) ((base + j) << 2), NATIVE);
          }
        } else {
          for (int j = 0; j < full; j += L) {
            FloatVector.fromByteBuffer(S, xb, (int) ((base + j) << 2), NATIVE).sub(mean).mul(inv)
                .fma(FloatVector.fromArray(S, gamma, j), FloatVector.fromArray(S, beta, j))
                .intoByteBuffer(yb, (int) ((base + j) << 2), NATIVE);
          }
        }
        for (int j = full; j < dim; j++) {
          int at = (int) ((base + j) << 2);
          float h = (xb.getFloat(at) - mean) * inv;
          if (hb != null) {
            hb.putFloat(at, h);
          }
          yb.putFloat(at, h * gamma[j] + beta[j]);
        }
      }
    });
  }

  /**
   * dx = rstd ⊙ (g − mean(g) − xhat·mean(g ⊙ xhat)), g = dy ⊙ γ; adds Σ_rows dy ⊙ xhat to dGamma and Σ_rows dy to
   * dBeta.
   */
  static void layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, float[] gamma, INDArray dx,
      double[] dGamma, double[] dBeta, int n, int dim) {
    layerNormBackward(dy, xhat, null, rstd, gamma, null, dx, dGamma, dBeta, n, dim);
  }

  /**
   * {@link #layerNormBackward} with the gradient of a residual branch added: {@code dx = residual + (the layer norm's
   * dx)}, the same bits as the separate add (a pass and a buffer fewer). With {@code residual} null, the plain dx.
   * With {@code mean} null, {@code src} is x̂; else it is the forward pass's normalised input x and x̂ is recomputed
   * as {@code (x − mean)·rstd}, the forward kernel's own arithmetic (x̂ is then never stored: a write pass less).
   */
  static void layerNormBackward(INDArray dy, INDArray src, INDArray mean, INDArray rstd, float[] gamma,
      INDArray residual, INDArray dx, double[] dGamma, double[] dBeta, int n, int dim) {
    ByteBuffer db = mem(dy);
    ByteBuffer hb = mem(src);
    ByteBuffer mb = mean == null ? null : mem(mean);
    ByteBuffer rb = mem(rstd);
    ByteBuffer xb = mem(dx);
    ByteBuffer resb = residual == null ? null : mem(residual);
    int full = dim / L * L;
    int parts = Parallel.parts(n, perPart(dim));
    float[][] dgs = new float[parts][dim];
    float[][] dbs = new float[parts][dim];
    Parallel.forParts(n, perPart(dim), (part, lo, hi) -> {
      float[] dg = dgs[part];
      float[] dbeta = dbs[part];
      for (int r = lo; r < hi; r++) {
        long base = (long) r * dim;
        float inv = rb.getFloat(r << 2);
        float mu = mb == null ? 0f : mb.getFloat(r << 2); // x̂ = (src − mu)·sc: exact for src = x̂ (0, 1)
        float sc = mb == null ? 1f : inv;
        FloatVector sa = FloatVector.zero(S);
        FloatVector sb = FloatVector.zero(S);
        for (int j = 0; j < full; j += L) {
          FloatVector d = FloatVector.fromByteBuffer(S, db, (int) ((base + j) << 2), NATIVE);
          FloatVector h = FloatVector.fromByteBuffer(S, hb, (int) ((base + j) << 2), NATIVE).sub(mu).mul(sc);
          FloatVector g = d.mul(FloatVector.fromArray(S, gamma, j));
          sa = sa.add(g);
          sb = g.fma(h, sb);
          d.fma(h, FloatVector.fromArray(S, dg, j)).intoArray(dg, j);
          d.add(FloatVector.fromArray(S, dbeta, j)).intoArray(dbeta, j);
        }
        float a = sum(sa);
        float b = sum(sb);
        for (int j = full; j < dim; j++) {
          int at = (int) ((base + j) << 2);
          float d = db.getFloat(at);
          float h = (hb.getFloat(at) - mu) * sc;
          float g = d * gamma[j];
          a += g;
          b += g * h;
          dg[j] += d * h;
          dbeta[j] += d;
        }
        a /= dim;
        b /= dim;
        if (resb == null) {
          for (int j = 0; j < full; j += L) {
            FloatVector g = FloatVector.fromByteBuffer(S, db, (int) ((base + j) << 2), NATIVE)
                .mul(FloatVector.fromArray(S, gamma, j));
            FloatVector h = FloatVector.fromByteBuffer(S, hb, (int) ((base + j) << 2), NATIVE).sub(mu).mul(sc);
            g.sub(a).sub(h.mul(b)).mul(inv).intoByteBuffer(xb, (int) ((base + j) << 2), NATIVE);
          }
          for (int j = full; j < dim; j++) {
            int at = (int) ((base + j) << 2);
            float g = db.getFloat(at) * gamma[j];
            xb.putFloat(at, (g - a - (hb.getFloat(at) - mu) * sc * b) * inv);
          }
        } else { // (residual + v equals v + residual: IEEE addition commutes)
          for (int j = 0; j < full; j += L) {
            FloatVector g = FloatVector.fromByteBuffer(S, db, (int) ((base + j) << 2), NATIVE)
                .mul(FloatVector.fromArray(S, gamma, j));
            FloatVector h = FloatVector.fromByteBuffer(S, hb, (int) ((base + j) << 2), NATIVE).sub(mu).mul(sc);
            FloatVector.fromByteBuffer(S, resb, (int) ((base + j) << 2), NATIVE).add(g.sub(a).sub(h.mul(b)).mul(inv))
                .intoByteBuffer(xb, (int) ((base + j) << 2), NATIVE);
          }
          for (int j = full; j < dim; j++) {
            int at = (int) ((base + j) << 2);
            float g = db.getFloat(at) * gamma[j];
            xb.putFloat(at, resb.getFloat(at) + (g - a - (hb.getFloat(at) - mu) * sc * b) * inv);
          }
        }
      }
    });
    addParts(dgs, dGamma);
    addParts(dbs, dBeta);
  }

  /**
   * {@link Kernels#heads}: each head row ({@code dHead} elements of any float type) copied 32 bytes at a time by
   * byte vectors ({@code ByteBuffer}'s bulk put costs a native copy call per row).
   */
  static void heads(INDArray rows, int parts, int part, INDArray heads, int batch, int seq, int nHeads, int dHead,
      boolean toHeads) {
    int es = rows.dataType().width();
    ByteBuffer r = mem(rows);
    ByteBuffer h = mem(heads);
    int width = parts * nHeads * dHead;
    int bytes = dHead * es;
    int full = bytes / BL * BL;
    ByteBuffer from = toHeads ? r : h;
    ByteBuffer to = toHeads ? h : r;
    Parallel.forRange(batch * seq, Math.max(1, minPart / width), (lo, hi) -> {
      for (int bt = lo; bt < hi; bt++) {
        int b = bt / seq;
        int t = bt % seq;
        long rowBase = (long) bt * width + (long) part * nHeads * dHead;
        for (int hd = 0; hd < nHeads; hd++) {
          int ri = (int) ((rowBase + (long) hd * dHead) * es);
          int hi2 = (int) ((((long) b * nHeads + hd) * seq + t) * dHead * es);
          int src = toHeads ? ri : hi2;
          int dst = toHeads ? hi2 : ri;
          for (int x = 0; x < full; x += BL) {
            ByteVector.fromByteBuffer(B, from, src + x, NATIVE).intoByteBuffer(to, dst + x, NATIVE);
          }
          for (int x = full; x < bytes; x++) {
            to.put(dst + x, from.get(src + x));
          }
        }
      }
    });
  }

  /**
   * y[r, :] = b for every row of a contiguous {@code [n, m]} array (the write-only pass; vector stores rather than
   * {@code FloatBuffer.put}, which costs a native copy call per row).
   */
  static void setRows(INDArray y, float[] b, int n, int m) {
    ByteBuffer yb = mem(y);
    int full = m / L * L;
    Parallel.forRange(n, perPart(m), (lo, hi) -> {
      for (int r = lo; r < hi; r++) {
        long base = (long) r * m;
        for (int j = 0; j < full; j += L) {
          FloatVector.fromArray(S, b, j).intoByteBuffer(yb, (int) ((base + j) << 2), NATIVE);
        }
        for (int j = full; j < m; j++) {
          yb.putFloat((int) ((base + j) << 2), b[j]);
        }
      }
    });
  }

  /** acc[j] += Σ_r x[r, j] over a contiguous {@code [n, m]} array (per-thread float partial sums). */
  static void columnSums(INDArray x, int n, int m, double[] acc) {
    ByteBuffer xb = mem(x);
    int full = m / L * L;
    int parts = Parallel.parts(n, perPart(m));
    float[][] partial = new float[parts][m];
    Parallel.forParts(n, perPart(m), (q, lo, hi) -> {
      float[] part = partial[q];
      for (int r = lo; r < hi; r++) {
        long base = (long) r * m;
        for (int j = 0; j < full; j += L) {
          FloatVector.fromByteBuffer(S, xb, (int) ((base + j) << 2), NATIVE)
              .add(FloatVector.fromArray(S, part, j)).intoArray(part, j);
        }
        for (int j = full; j < m; j++) {
          part[j] += xb.getFloat((int) ((base + j) << 2));
        }
      }
    });
    addParts(partial, acc);
  }

  /** Elements per chunk of {@link #sumSquares} / {@link #allFinite}: fixed, so sums do not depend on the threads. */
  private static final int CHUNK = 1 << 12;

  /**
   * Σ x² over a contiguous array: float lanes within each chunk of {@value #CHUNK} elements, the chunks' sums added
   * in double in chunk order (the same bits on any number of threads).
   */
  static double sumSquares(INDArray x) {
    ByteBuffer xb = mem(x);
    int n = (int) x.length();
    int chunks = (n + CHUNK - 1) / CHUNK;
    double[] sums = new double[chunks];
    Parallel.forRange(chunks, perPart(CHUNK), (lo, hi) -> {
      float[] l = new float[L];
      for (int c = lo; c < hi; c++) {
        int from = c * CHUNK;
        int to = Math.min(n, from + CHUNK);
        int full = from + (to - from) / L * L;
        FloatVector acc = FloatVector.zero(S);
        for (int i = from; i < full; i += L) {
          FloatVector v = FloatVector.fromByteBuffer(S, xb, i << 2, NATIVE);
          acc = v.fma(v, acc);
        }
        acc.intoArray(l, 0);
        double sum = 0;
        for (float f : l) {
          sum += f;
        }
        for (int i = full; i < to; i++) {
          float f = xb.getFloat(i << 2);
          sum += (double) f * f;
        }
        sums[c] = sum;
      }
    });
    double total = 0;
    for (double c : sums) {
      total += c;
    }
    return total;
  }

  /** Whether every element of a contiguous array is finite (x − x is 0 for finite x, NaN for ±∞ and NaN). */
  static boolean allFinite(INDArray x) {
    ByteBuffer xb = mem(x);
    int n = (int) x.length();
    int chunks = (n + CHUNK - 1) / CHUNK;
    boolean[] bad = new boolean[chunks];
    Parallel.forRange(chunks, perPart(CHUNK), (lo, hi) -> {
      float[] l = new float[L];
      for (int c = lo; c < hi; c++) {
        int from = c * CHUNK;
        int to = Math.min(n, from + CHUNK);
        int full = from + (to - from) / L * L;
        FloatVector acc = FloatVector.zero(S);
        for (int i = from; i < full; i += L) {
          FloatVector v = FloatVector.fromByteBuffer(S, xb, i << 2, NATIVE);
          acc = acc.add(v.sub(v));
        }
        acc.intoArray(l, 0);
        float any = 0;
        for (float f : l) {
          any += f;
        }
        for (int i = full; i < to; i++) {
          float f = xb.getFloat(i << 2);
          any += f - f;
        }
        bad[c] = any != 0 || Float.isNaN(any);
      }
    });
    for (boolean b : bad) {
      if (b) {
        return false;
      }
    }
    return true;
  }

  /** out = a + b over contiguous arrays of the same length. */
  static void add(INDArray a, INDArray b, INDArray out) {
    ByteBuffer ab = mem(a);
    ByteBuffer bb = mem(b);
    ByteBuffer ob = mem(out);
    int n = (int) a.length();
    int blocks = n / L;
    Parallel.forRange(blocks, perPart(L), (lo, hi) -> {
      for (int k = lo; k < hi; k++) {
        long i = (long) k * L;
        FloatVector.fromByteBuffer(S, ab, (int) (i << 2), NATIVE)
            .add(FloatVector.fromByteBuffer(S, bb, (int) (i << 2), NATIVE)).intoByteBuffer(ob, (int) (i << 2), NATIVE);
      }
    });
    for (int i = blocks * L; i < n; i++) {
      ob.putFloat(i << 2, ab.getFloat(i << 2) + bb.getFloat(i << 2));
    }
  }

  /**
   * Softmax cross-entropy rows of contiguous {@code logits [n, v]}: probs = softmax(z) row by row and
   * {@code rowLoss[i] = logsumexp(z_i) − z_i[t_i]} (0 where {@code t_i < 0}, an ignored position).
   */
  static void crossEntropy(INDArray logits, int[] targets, INDArray probs, double[] rowLoss, int n, int v) {
    ByteBuffer zb = mem(logits);
    ByteBuffer pb = mem(probs);
    int full = v / L * L;
    Parallel.forRange(n, perPart(v), (lo, hi) -> {
      for (int r = lo; r < hi; r++) {
        long base = (long) r * v;
        FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < full; j += L) {
          vmax = vmax.max(FloatVector.fromByteBuffer(S, zb, (int) ((base + j) << 2), NATIVE));
        }
        float max = vmax.reduceLanes(VectorOperators.MAX);
        for (int j = full; j < v; j++) {
          max = Math.max(max, zb.getFloat((int) ((base + j) << 2)));
        }
        FloatVector vsum = FloatVector.zero(S);
        for (int j = 0; j < full; j += L) {
          FloatVector e = exp(FloatVector.fromByteBuffer(S, zb, (int) ((base + j) << 2), NATIVE).sub(max));
          e.intoByteBuffer(pb, (int) ((base + j) << 2), NATIVE);
          vsum = vsum.add(e);
        }
        float sum = sum(vsum);
        for (int j = full; j < v; j++) {
          float e = expScalar(zb.getFloat((int) ((base + j) << 2)) - max);
          pb.putFloat((int) ((base + j) << 2), e);
          sum += e;
        }
        float inv = 1f / sum;
        for (int j = 0; j < full; j += L) {
          FloatVector.fromByteBuffer(S, pb, (int) ((base + j) << 2), NATIVE).mul(inv)
              .intoByteBuffer(pb, (int) ((base + j) << 2), NATIVE);
        }
        for (int j = full; j < v; j++) {
          int at = (int) ((base + j) << 2);
          pb.putFloat(at, pb.getFloat(at) * inv);
        }
        int t = targets[r];
        rowLoss[r] = t < 0 ? 0.0 : StrictMath.log(sum) + max - zb.getFloat((int) ((base + t) << 2));
      }
    });
  }

  /** d = (probs − onehot(t)) · scale row by row, rows with {@code t < 0} zero. */
  static void crossEntropyBackward(INDArray probs, int[] targets, float scale, INDArray d, int n, int v) {
    ByteBuffer pb = mem(probs);
    ByteBuffer db = mem(d);
    int full = v / L * L;
    Parallel.forRange(n, perPart(v), (lo, hi) -> {
      for (int r = lo; r < hi; r++) {
        long base = (long) r * v;
        int t = targets[r];
        float sc = t < 0 ? 0f : scale;
        for (int j = 0; j < full; j += L) {
          FloatVector.fromByteBuffer(S, pb, (int) ((base + j) << 2), NATIVE).mul(sc)
              .intoByteBuffer(db, (int) ((base + j) << 2), NATIVE);
        }
        for (int j = full; j < v; j++) {
          int at = (int) ((base + j) << 2);
          db.putFloat(at, pb.getFloat(at) * sc);
        }
        if (t >= 0) {
          int at = (int) ((base + t) << 2);
          db.putFloat(at, db.getFloat(at) - scale);
        }
      }
    });
  }

  /**
   * One AdamW update over contiguous arrays of the same length, in PyTorch's order: p ← p − lr·wd·mask·p, then
   * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − lr·(m/bc₁)/(√(v/bc₂) + ε).
   */
  static void adamw(INDArray p, INDArray g, INDArray m, INDArray v, INDArray mask, float lr, float wd, float b1,
      float b2, float bc1, float bc2, float eps) {
    ByteBuffer pb = mem(p);
    ByteBuffer gb = mem(g);
    ByteBuffer mb = mem(m);
    ByteBuffer vb = mem(v);
    ByteBuffer kb = mem(mask);
    int n = (int) p.length();
    int blocks = n / L;
    float decay = lr * wd;
    Parallel.forRange(blocks, perPart(L), (lo, hi) -> {
      for (int k = lo; k < hi; k++) {
        long i = (long) k * L;
        FloatVector pv = FloatVector.fromByteBuffer(S, pb, (int) (i << 2), NATIVE);
        pv = pv.sub(pv.mul(FloatVector.fromByteBuffer(S, kb, (int) (i << 2), NATIVE)).mul(decay));
        FloatVector gv = FloatVector.fromByteBuffer(S, gb, (int) (i << 2), NATIVE);
        FloatVector mv = FloatVector.fromByteBuffer(S, mb, (int) (i << 2), NATIVE).mul(b1).add(gv.mul(1 - b1));
        FloatVector vv = FloatVector.fromByteBuffer(S, vb, (int) (i << 2), NATIVE).mul(b2).add(gv.mul(gv).mul(1 - b2));
        mv.intoByteBuffer(mb, (int) (i << 2), NATIVE);
        vv.intoByteBuffer(vb, (int) (i << 2), NATIVE);
        FloatVector denom = vv.div(bc2).lanewise(VectorOperators.SQRT).add(eps);
        pv.sub(mv.div(bc1).div(denom).mul(lr)).intoByteBuffer(pb, (int) (i << 2), NATIVE);
      }
    });
    for (int i = blocks * L; i < n; i++) {
      int at = i << 2;
      float pv = pb.getFloat(at);
      pv = pv - pv * kb.getFloat(at) * decay;
      float gv = gb.getFloat(at);
      float mv = mb.getFloat(at) * b1 + gv * (1 - b1);
      float vv = vb.getFloat(at) * b2 + gv * gv * (1 - b2);
      mb.putFloat(at, mv);
      vb.putFloat(at, vv);
      pb.putFloat(at, pv - mv / bc1 / ((float) Math.sqrt(vv / bc2) + eps) * lr);
    }
  }
}
