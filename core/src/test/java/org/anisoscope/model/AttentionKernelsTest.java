package org.anisoscope.model;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused attention ({@link AttentionKernels} through {@link Kernels}) against a plain loop in double, on operands
 * laid out as in training: q, k, v inside a {@code [B·T, 3C]} projection (leading dimension 3C), y and dy as
 * {@code [B·T, C]} rows, P as {@code [B·H, T, T]} blocks, dq/dk/dv into a {@code [B·T, 3C]} gradient. Heads split
 * across the threads; sequence lengths that are and are not multiples of the 3-row block.
 */
class AttentionKernelsTest {
  private long splitWork;
  private boolean wide;

  @BeforeEach
  void requireKernels() {
    Assumptions.assumeTrue(Kernels.available(),
        "fused kernels unavailable in this JVM (needs the CPU backend and --add-modules jdk.incubator.vector)");
    splitWork = AttentionKernels.splitWork;
    AttentionKernels.splitWork = 1; // heads split across the threads even at these sizes
    wide = AttentionKernels.wide;
    AttentionKernels.wide = false;  // the 3-row register block here; AttentionWideTest runs these cases with 6 rows
  }

  @AfterEach
  void restore() {
    AttentionKernels.splitWork = splitWork;
    AttentionKernels.wide = wide;
  }

  static Blas.Heads part(INDArray qkv, int p, int heads, int seq, int d) {
    int c = heads * d;
    return new Blas.Heads(qkv, (long) p * c, (long) seq * 3 * c, d, heads, seq, d, 3 * c);
  }

  static Blas.Heads rows(INDArray x, int heads, int seq, int d) {
    int c = heads * d;
    return new Blas.Heads(x, 0, (long) seq * c, d, heads, seq, d, c);
  }

  private static double[][] mat(INDArray x, Blas.Heads h, int i) {
    double[][] m = new double[h.rows()][h.cols()];
    for (int r = 0; r < h.rows(); r++) {
      for (int c = 0; c < h.cols(); c++) {
        m[r][c] = x.data().getDouble(h.at(i) + (long) r * h.ld() + c);
      }
    }
    return m;
  }

  /** a·op(b) with op(b) = bᵀ when tb; op(a) = aᵀ when ta. */
  private static double[][] mul(double[][] a, boolean ta, double[][] b, boolean tb) {
    int m = ta ? a[0].length : a.length;
    int k = ta ? a.length : a[0].length;
    int n = tb ? b.length : b[0].length;
    double[][] c = new double[m][n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double acc = 0;
        for (int e = 0; e < k; e++) {
          acc += (ta ? a[e][i] : a[i][e]) * (tb ? b[j][e] : b[e][j]);
        }
        c[i][j] = acc;
      }
    }
    return c;
  }

  private static void assertMat(double[][] want, double[][] got, double tol, String what) {
    for (int r = 0; r < want.length; r++) {
      for (int c = 0; c < want[0].length; c++) {
        assertEquals(want[r][c], got[r][c], tol, what + "[" + r + "][" + c + "]");
      }
    }
  }

  /**
   * The P-keeping kernels, or the row-tiled ones (which keep only lse; P is then read back through
   * {@link Kernels#attentionPatterns}, the hook_pattern route, and the forward's optional P output must agree).
   */
  private static void run(boolean tiled, int bh, int heads, int seq, int d, INDArray qkv, INDArray p, INDArray y,
      INDArray dy, INDArray dqkv, double scale, boolean causal) {
    Blas.Heads ph = Blas.Heads.of(p, heads, seq, seq);
    Blas.Heads q = part(qkv, 0, heads, seq, d);
    Blas.Heads k = part(qkv, 1, heads, seq, d);
    Blas.Heads v = part(qkv, 2, heads, seq, d);
    Blas.Heads dyh = rows(dy, heads, seq, d);
    Blas.Heads dq = part(dqkv, 0, heads, seq, d);
    Blas.Heads dk = part(dqkv, 1, heads, seq, d);
    Blas.Heads dv = part(dqkv, 2, heads, seq, d);
    if (!tiled) {
      Kernels.attentionForward(bh, q, k, v, ph, rows(y, heads, seq, d), scale, causal);
      Kernels.attentionBackward(bh, q, k, v, ph, dyh, dq, dk, dv, scale, causal);
      return;
    }
    INDArray lse = Nd4j.valueArrayOf(new long[] {bh, seq}, 7f, DataType.FLOAT);
    INDArray pDirect = Nd4j.valueArrayOf(new long[] {bh, seq, seq}, 7f, DataType.FLOAT);
    Kernels.attentionForwardTiled(bh, q, k, v, lse, Blas.Heads.of(pDirect, heads, seq, seq),
        rows(y, heads, seq, d), scale, causal);
    INDArray y2 = y.dup();
    Kernels.attentionForwardTiled(bh, q, k, v, lse, null, rows(y2, heads, seq, d), scale, causal);
    assertEquals(y, y2, "y without the optional P output");
    Kernels.attentionBackwardTiled(bh, q, k, v, lse, dyh, dq, dk, dv, scale, causal);
    Kernels.attentionPatterns(bh, q, k, lse, ph, scale, causal);
    for (long e = 0; e < p.length(); e++) {
      assertEquals(pDirect.data().getDouble(e), p.data().getDouble(e), 1e-6, "recomputed P at " + e);
    }
  }

  @ParameterizedTest(name = "batch {0}, heads {1}, seq {2}, d_head {3}, causal {4}, tiled {5}")
  @CsvSource({"2, 2, 32, 32, true, false", "2, 2, 32, 32, false, false", "1, 3, 64, 32, true, false",
      "2, 1, 96, 64, true, false", "1, 2, 64, 64, false, false",
      "2, 2, 32, 32, true, true", "2, 2, 32, 32, false, true", "1, 3, 64, 32, true, true",
      "2, 1, 96, 64, true, true", "1, 2, 64, 64, false, true", "1, 2, 160, 32, true, true",
      "1, 1, 160, 32, false, true"})
  void fusedAttentionMatchesAPlainLoop(int batch, int heads, int seq, int d, boolean causal, boolean tiled) {
    int c = heads * d;
    int bh = batch * heads;
    double scale = 1.0 / Math.sqrt(d);
    Nd4j.getRandom().setSeed(17);
    INDArray qkv = Nd4j.rand(DataType.FLOAT, (long) batch * seq, 3L * c).subi(0.5).muli(4);
    INDArray dy = Nd4j.rand(DataType.FLOAT, (long) batch * seq, c).subi(0.5);
    INDArray p = Nd4j.valueArrayOf(new long[] {bh, seq, seq}, 7f, DataType.FLOAT);
    INDArray y = Nd4j.valueArrayOf(new long[] {(long) batch * seq, c}, 7f, DataType.FLOAT);
    INDArray dqkv = Nd4j.valueArrayOf(new long[] {(long) batch * seq, 3L * c}, 7f, DataType.FLOAT);
    Blas.Heads ph = Blas.Heads.of(p, heads, seq, seq);
    Blas.Heads yh = rows(y, heads, seq, d);
    Blas.Heads dyh = rows(dy, heads, seq, d);
    run(tiled, bh, heads, seq, d, qkv, p, y, dy, dqkv, scale, causal);

    for (int i = 0; i < bh; i++) {
      double[][] q = mat(qkv, part(qkv, 0, heads, seq, d), i);
      double[][] k = mat(qkv, part(qkv, 1, heads, seq, d), i);
      double[][] v = mat(qkv, part(qkv, 2, heads, seq, d), i);
      double[][] g = mat(dy, dyh, i);
      double[][] s = mul(q, false, k, true);
      double[][] pw = new double[seq][seq];
      for (int r = 0; r < seq; r++) {
        int len = causal ? r + 1 : seq;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < len; j++) {
          max = Math.max(max, s[r][j] * scale);
        }
        double sum = 0;
        for (int j = 0; j < len; j++) {
          pw[r][j] = Math.exp(s[r][j] * scale - max);
          sum += pw[r][j];
        }
        for (int j = 0; j < len; j++) {
          pw[r][j] /= sum;
        }
      }
      double[][] pGot = mat(p, ph, i);
      assertMat(pw, pGot, 1e-5, "P");
      for (int r = 0; r < seq; r++) {
        for (int j = causal ? r + 1 : seq; j < seq; j++) {
          assertEquals(0.0, pGot[r][j], 0.0, "P above the diagonal");
        }
      }
      assertMat(mul(pw, false, v, false), mat(y, yh, i), 1e-5, "y");
      double[][] dP = mul(g, false, v, true);
      double[][] dS = new double[seq][seq];
      for (int r = 0; r < seq; r++) {
        double dot = 0;
        for (int j = 0; j < seq; j++) {
          dot += dP[r][j] * pw[r][j];
        }
        for (int j = 0; j < seq; j++) {
          dS[r][j] = pw[r][j] * (dP[r][j] - dot) * scale;
        }
      }
      assertMat(mul(pw, true, g, false), mat(dqkv, part(dqkv, 2, heads, seq, d), i), 1e-5, "dv");
      assertMat(mul(dS, false, k, false), mat(dqkv, part(dqkv, 0, heads, seq, d), i), 1e-4, "dq");
      assertMat(mul(dS, true, q, false), mat(dqkv, part(dqkv, 1, heads, seq, d), i), 1e-4, "dk");
    }
  }

  /** {@code Σ (P·v) ⊙ g} in double for one head, {@code P = softmax(scale · q·kᵀ)} (causal: columns ≤ row). */
  private static double headLoss(double[][] q, double[][] k, double[][] v, double[][] g, double scale,
      boolean causal) {
    int t = q.length;
    double[][] s = mul(q, false, k, true);
    double loss = 0;
    for (int r = 0; r < t; r++) {
      int len = causal ? r + 1 : t;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < len; j++) {
        max = Math.max(max, s[r][j] * scale);
      }
      double[] p = new double[len];
      double sum = 0;
      for (int j = 0; j < len; j++) {
        p[j] = Math.exp(s[r][j] * scale - max);
        sum += p[j];
      }
      for (int c = 0; c < v[0].length; c++) {
        double y = 0;
        for (int j = 0; j < len; j++) {
          y += p[j] / sum * v[j][c];
        }
        loss += y * g[r][c];
      }
    }
    return loss;
  }

  /**
   * The float32 kernel's dq, dk, dv against central finite differences of the attention written out in double
   * (not the backward formulas above): the loss is {@code Σ y ⊙ dy}, whose gradient is what the kernel's backward
   * pass returns for upstream gradient dy. 40 seeded entries of each of q, k, v per head.
   */
  @ParameterizedTest(name = "heads {0}, seq {1}, d_head {2}, causal {3}, tiled {4}")
  @CsvSource({"2, 32, 32, true, false", "2, 32, 32, false, false", "1, 64, 32, true, false",
      "2, 32, 32, true, true", "2, 32, 32, false, true", "1, 64, 32, true, true", "1, 96, 32, false, true"})
  void fusedBackwardMatchesFiniteDifferencesInDouble(int heads, int seq, int d, boolean causal, boolean tiled) {
    int c = heads * d;
    double scale = 1.0 / Math.sqrt(d);
    Nd4j.getRandom().setSeed(23);
    INDArray qkv = Nd4j.rand(DataType.FLOAT, seq, 3L * c).subi(0.5).muli(4);       // [T, 3C], batch 1
    INDArray dy = Nd4j.rand(DataType.FLOAT, seq, c).subi(0.5);                     // [T, C]
    INDArray p = Nd4j.create(DataType.FLOAT, heads, seq, seq);                     // [H, T, T]
    INDArray y = Nd4j.create(DataType.FLOAT, seq, c);
    INDArray dqkv = Nd4j.create(DataType.FLOAT, seq, 3L * c);
    Blas.Heads dyh = rows(dy, heads, seq, d);
    run(tiled, heads, heads, seq, d, qkv, p, y, dy, dqkv, scale, causal);
    java.util.Random random = new java.util.Random(seq * 31L + heads + (causal ? 1 : 0));
    double eps = 1e-5;
    double largest = 0;
    for (int i = 0; i < heads; i++) {
      double[][][] qkvHead = {mat(qkv, part(qkv, 0, heads, seq, d), i), mat(qkv, part(qkv, 1, heads, seq, d), i),
          mat(qkv, part(qkv, 2, heads, seq, d), i)};
      double[][] g = mat(dy, dyh, i);
      for (int which = 0; which < 3; which++) {
        double[][] analytic = mat(dqkv, part(dqkv, which, heads, seq, d), i);
        double[][] x = qkvHead[which];
        for (int e = 0; e < 40; e++) {
          int r = random.nextInt(seq);
          int col = random.nextInt(d);
          double orig = x[r][col];
          x[r][col] = orig + eps;
          double plus = headLoss(qkvHead[0], qkvHead[1], qkvHead[2], g, scale, causal);
          x[r][col] = orig - eps;
          double minus = headLoss(qkvHead[0], qkvHead[1], qkvHead[2], g, scale, causal);
          x[r][col] = orig;
          double numeric = (plus - minus) / (2 * eps);
          largest = Math.max(largest, Math.abs(numeric));
          // float32 kernel against a double derivative: float rounding of T-term sums, not derivation slack
          assertEquals(numeric, analytic[r][col], 2e-5 + 2e-4 * Math.abs(numeric),
              "qkv".charAt(which) + " grad of head " + i + " at [" + r + "][" + col + "]");
        }
      }
    }
    assertTrue(largest > 1e-2, "gradients too small to test anything: " + largest);
  }
}
