package org.anisoscope.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.anisoscope.device.CounterRng;
import org.anisoscope.device.Device.Buf;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** CpuDevice against the kernels it delegates to and against closed forms; the masked paths by finite differences. */
class CpuDeviceTest {
  private final Random rnd = new Random(7);
  private final CpuDevice dev = new CpuDevice();

  @Test
  void gemmWithOffsetsTransposesAlphaBetaMatchesNd4j() {
    int m = 5;
    int n = 4;
    int k = 3;
    float[] a = random(2 + k * m); // stored [k, m], used transposed, from offset 2
    float[] b = random(m * n + n * k); // second matrix of a batch: [n, k] used transposed
    float[] c = random(m * n);
    Buf ba = up(a);
    Buf bb = up(b);
    Buf bc = up(c);
    dev.gemm(true, true, m, n, k, 0.5f, ba, 2, m, bb, m * n, k, 2f, bc, 0, n);
    INDArray am = Nd4j.createFromArray(java.util.Arrays.copyOfRange(a, 2, 2 + k * m)).reshape(k, m).transpose();
    INDArray bm = Nd4j.createFromArray(java.util.Arrays.copyOfRange(b, m * n, m * n + n * k)).reshape(n, k)
        .transpose();
    INDArray expect = am.mmul(bm).muli(0.5).addi(Nd4j.createFromArray(c).reshape(m, n).muli(2));
    assertArrayEquals(expect.dup('c').data().asFloat(), dev.download(bc), 1e-5f);
  }

  @Test
  void layerNormAndGeluDelegateToTheFusedKernels() {
    int rows = 6;
    int dim = 40;
    float[] x = random(rows * dim);
    float[] g = random(dim);
    float[] b = random(dim);
    Buf xhat = dev.alloc(rows * dim);
    Buf y = dev.alloc(rows * dim);
    Buf rstd = dev.alloc(rows);
    dev.layerNormForward(up(x), up(g), up(b), 1e-5f, xhat, y, rstd, rows, dim);
    for (int r = 0; r < rows; r++) { // closed form, in double
      double mean = 0;
      double var = 0;
      for (int j = 0; j < dim; j++) {
        mean += x[r * dim + j];
      }
      mean /= dim;
      for (int j = 0; j < dim; j++) {
        var += (x[r * dim + j] - mean) * (x[r * dim + j] - mean);
      }
      double inv = 1 / Math.sqrt(var / dim + 1e-5);
      for (int j = 0; j < dim; j++) {
        assertEquals((x[r * dim + j] - mean) * inv * g[j] + b[j], dev.download(y)[r * dim + j], 1e-4);
      }
    }
    Buf grad = dev.alloc(rows * dim);
    Buf act = dev.alloc(rows * dim);
    dev.geluForward(up(x), up(b), grad, act, rows, dim);
    float[] got = dev.download(act);
    for (int i = 0; i < rows * dim; i++) {
      double z = x[i] + b[i % dim];
      double phi = 0.5 * (1 + erf(z / Math.sqrt(2)));
      assertEquals(z * phi, got[i], 1e-5);
    }
  }

  @Test
  void fusedAttentionEqualsTheBatchedFormWithAnAllOnesMask() {
    int heads = 2;
    int count = 2 * heads;
    int t = 32;
    int d = 32;
    for (boolean causal : new boolean[] {false, true}) {
      Buf q = up(random(count * t * d));
      Buf k = up(random(count * t * d));
      Buf v = up(random(count * t * d));
      Buf ones = up(filled(2 * t, 1f));
      Buf p1 = dev.alloc(count * t * t);
      Buf y1 = dev.alloc(count * t * d);
      Buf p2 = dev.alloc(count * t * t);
      Buf y2 = dev.alloc(count * t * d);
      dev.attentionForward(count, heads, t, d, q, k, v, p1, y1, 0.2f, causal, null); // fused kernel
      dev.attentionForward(count, heads, t, d, q, k, v, p2, y2, 0.2f, causal, ones); // GEMMs + masked softmax
      assertArrayEquals(dev.download(y1), dev.download(y2), 1e-4f);
      Buf dy = up(random(count * t * d));
      Buf[] g1 = {dev.alloc(count * t * d), dev.alloc(count * t * d), dev.alloc(count * t * d)};
      Buf[] g2 = {dev.alloc(count * t * d), dev.alloc(count * t * d), dev.alloc(count * t * d)};
      dev.attentionBackward(count, heads, t, d, q, k, v, p1, dy, g1[0], g1[1], g1[2], dev.alloc(count * t * t), 0.2f,
          causal, null);
      dev.attentionBackward(count, heads, t, d, q, k, v, p2, dy, g2[0], g2[1], g2[2], dev.alloc(count * t * t), 0.2f,
          causal, ones);
      for (int i = 0; i < 3; i++) {
        assertArrayEquals(dev.download(g1[i]), dev.download(g2[i]), 2e-4f);
      }
    }
  }

  @Test
  void paddedKeysGetNoWeightAndAFullyMaskedRowIsZero() {
    int t = 4;
    float[] s = random(2 * t);
    Buf scores = up(s);
    Buf p = dev.alloc(2 * t);
    Buf mask = up(new float[] {1, 1, 0, 0, 0, 0, 0, 0});
    dev.softmaxForward(scores, p, 2, t, 1f, false, mask, 1);
    float[] got = dev.download(p);
    double e0 = Math.exp(s[0]);
    double e1 = Math.exp(s[1]);
    assertEquals(e0 / (e0 + e1), got[0], 1e-6);
    assertEquals(e1 / (e0 + e1), got[1], 1e-6);
    assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOfRange(got, 2, 8));
  }

  /** The masked attention backward (batched form + masked softmax) against central differences of its forward. */
  @Test
  void maskedAttentionBackwardMatchesFiniteDifferences() {
    int heads = 1;
    int count = 2;
    int t = 5;
    int d = 3;
    boolean causal = true;
    float[] mask = {1, 1, 1, 1, 1, 1, 1, 0, 1, 0};
    float[][] in = {random(count * t * d), random(count * t * d), random(count * t * d)};
    float[] w = random(count * t * d);
    Buf[] g = {dev.alloc(count * t * d), dev.alloc(count * t * d), dev.alloc(count * t * d)};
    Buf p = dev.alloc(count * t * t);
    dev.attentionForward(count, heads, t, d, up(in[0]), up(in[1]), up(in[2]), p, dev.alloc(count * t * d), 0.6f,
        causal, up(mask));
    dev.attentionBackward(count, heads, t, d, up(in[0]), up(in[1]), up(in[2]), p, up(w), g[0], g[1], g[2],
        dev.alloc(count * t * t), 0.6f, causal, up(mask));
    float h = 1e-2f;
    for (int which = 0; which < 3; which++) {
      float[] analytic = dev.download(g[which]);
      for (int i = 0; i < in[which].length; i++) {
        float keep = in[which][i];
        in[which][i] = keep + h;
        double plus = loss(in, w, mask, count, heads, t, d, causal);
        in[which][i] = keep - h;
        double minus = loss(in, w, mask, count, heads, t, d, causal);
        in[which][i] = keep;
        double numeric = (plus - minus) / (2 * h);
        assertEquals(numeric, analytic[i], 2e-3 + 2e-2 * Math.abs(numeric), "input " + which + " element " + i);
      }
    }
  }

  @Test
  void dropoutMaskIsACounterFunctionOfSeedAndIndex() {
    int n = 1000;
    float[] x = random(n);
    Buf y = dev.alloc(n);
    Buf mask = dev.alloc(n);
    dev.dropoutForward(up(x), y, mask, 0.25f, 99L, n);
    float[] m = dev.download(mask);
    float[] out = dev.download(y);
    for (int i = 0; i < n; i++) {
      float expect = CounterRng.uniform(99L, i) >= 0.25f ? 1f / 0.75f : 0f;
      assertEquals(expect, m[i]);
      assertEquals(x[i] * expect, out[i]);
    }
  }

  @Test
  void normsAndFiniteChecksDelegate() {
    float[] x = {3, 4, 0, 0, 12};
    assertEquals(169.0, dev.sumSquares(up(x)), 1e-9);
    assertTrue(dev.allFinite(up(x)));
    x[2] = Float.POSITIVE_INFINITY;
    assertTrue(!dev.allFinite(up(x)));
  }

  private double loss(float[][] in, float[] w, float[] mask, int count, int heads, int t, int d, boolean causal) {
    Buf y = dev.alloc(count * t * d);
    dev.attentionForward(count, heads, t, d, up(in[0]), up(in[1]), up(in[2]), dev.alloc(count * t * t), y, 0.6f,
        causal, up(mask));
    float[] out = dev.download(y);
    double s = 0;
    for (int i = 0; i < out.length; i++) {
      s += (double) out[i] * w[i];
    }
    return s;
  }

  private Buf up(float[] x) {
    Buf b = dev.alloc(x.length);
    dev.upload(x, b);
    return b;
  }

  private float[] random(int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) rnd.nextGaussian();
    }
    return out;
  }

  private static float[] filled(int n, float v) {
    float[] out = new float[n];
    java.util.Arrays.fill(out, v);
    return out;
  }

  /** erf to 1e-12 by its Taylor series (|z| small here). */
  private static double erf(double z) {
    double sum = 0;
    double term = z;
    for (int n = 0; n < 60; n++) {
      sum += term / (2 * n + 1);
      term *= -z * z / (n + 1);
    }
    return 2 / Math.sqrt(Math.PI) * sum;
  }


}
