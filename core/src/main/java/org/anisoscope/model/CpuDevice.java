package org.anisoscope.model;

import com.google.common.base.Preconditions;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.anisoscope.device.CounterRng;
import org.anisoscope.device.Device;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@link Device} of the CPU: each operation calls the existing fused CPU kernel ({@link VectorKernels},
 * {@link AttentionKernels}, {@link Kernels}) or OpenBLAS's {@code cblas_sgemm} as {@link Blas} does, unchanged.
 * New code here is only what those kernels lack: the key-padding mask of the softmax (a plain loop, used only when
 * a mask is given), the counter-based dropout mask and the elementwise product, sum, scaling and fill.
 *
 * <p>Buffers are flat float32 ND4J arrays (plain, offset 0), the form the fused kernels read.
 */
public final class CpuDevice implements Device {

  /** A flat float32 array. */
  public record CpuBuf(INDArray array) implements Buf {
    @Override
    public long length() {
      return array.length();
    }
  }

  /** Fails when the JVM lacks the vector module (the fused kernels are the CPU implementation). */
  public CpuDevice() {
    Preconditions.checkState(Kernels.available(),
        "the CPU device needs the fused kernels: start the JVM with --add-modules jdk.incubator.vector");
  }

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public Buf alloc(long n) {
    Preconditions.checkArgument(n > 0 && n <= Integer.MAX_VALUE, "buffer length %s outside 1..2^31-1", n);
    return new CpuBuf(Nd4j.create(DataType.FLOAT, n));
  }

  @Override
  public void upload(float[] src, Buf dst) {
    Preconditions.checkArgument(src.length <= dst.length(), "upload of %s floats into a buffer of %s", src.length,
        dst.length());
    floats(dst).put(0, src);
  }

  @Override
  public float[] download(Buf src) {
    float[] out = new float[(int) src.length()];
    floats(src).get(0, out);
    return out;
  }

  @Override
  public void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, Buf a, long offA, int lda, Buf b,
      long offB, int ldb, float beta, Buf c, long offC, int ldc) {
    gemmStridedBatched(1, ta, tb, m, n, k, alpha, a, offA, lda, 0, b, offB, ldb, 0, beta, c, offC, ldc, 0);
  }

  @Override
  public void gemmStridedBatched(int count, boolean ta, boolean tb, int m, int n, int k, float alpha, Buf a,
      long offA, int lda, long strideA, Buf b, long offB, int ldb, long strideB, float beta, Buf c, long offC,
      int ldc, long strideC) {
    checkSpan(a, offA, strideA, count, ta ? k : m, lda, "A");
    checkSpan(b, offB, strideB, count, tb ? n : k, ldb, "B");
    checkSpan(c, offC, strideC, count, m, ldc, "C");
    FloatPointer pa = pointer(a);
    FloatPointer pb = pointer(b);
    FloatPointer pc = pointer(c);
    int transA = ta ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
    int transB = tb ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
    for (int i = 0; i < count; i++) {
      openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, transA, transB, m, n, k, alpha,
          pa.position(offA + i * strideA), lda, pb.position(offB + i * strideB), ldb, beta,
          pc.position(offC + i * strideC), ldc);
    }
  }

  @Override
  public void layerNormForward(Buf x, Buf gamma, Buf beta, float eps, Buf xhat, Buf y, Buf rstd, int rows,
      int dim) {
    VectorKernels.layerNormForward(arr(x), Kernels.read(arr(gamma)), Kernels.read(arr(beta)), eps, arr(xhat),
        arr(y), arr(rstd), rows, dim);
  }

  @Override
  public void layerNormBackward(Buf dy, Buf xhat, Buf rstd, Buf gamma, Buf dx, Buf dGamma, Buf dBeta, int rows,
      int dim) {
    double[] dg = new double[dim];
    double[] db = new double[dim];
    VectorKernels.layerNormBackward(arr(dy), arr(xhat), arr(rstd), Kernels.read(arr(gamma)), arr(dx), dg, db, rows,
        dim);
    Kernels.addTo(arr(dGamma), dg);
    Kernels.addTo(arr(dBeta), db);
  }

  @Override
  public void geluForward(Buf h, Buf bias, Buf grad, Buf act, int rows, int cols) {
    VectorKernels.geluForward(arr(h), Kernels.read(arr(bias)), arr(grad), arr(act), rows, cols);
  }

  @Override
  public void geluBackward(Buf grad, Buf dAct, Buf dBias, int rows, int cols) {
    double[] db = new double[cols];
    VectorKernels.geluBackward(arr(grad), arr(dAct), db, rows, cols);
    Kernels.addTo(arr(dBias), db);
  }

  @Override
  public void setRows(Buf y, Buf row, int rows, int cols) {
    VectorKernels.setRows(arr(y), Kernels.read(arr(row)), rows, cols);
  }

  @Override
  public void addColumnSums(Buf x, Buf acc, int rows, int cols) {
    double[] sums = new double[cols];
    VectorKernels.columnSums(arr(x), rows, cols, sums);
    Kernels.addTo(arr(acc), sums);
  }

  @Override
  public void softmaxForward(Buf scores, Buf probs, int rows, int t, float scale, boolean causal, Buf keyMask,
      int rowsPerSequence) {
    if (keyMask == null) {
      VectorKernels.softmaxForward(arr(scores), arr(probs), rows, t, scale, causal);
    } else {
      MaskedSoftmax.forward(floats(scores), floats(probs), rows, t, scale, causal, floats(keyMask), rowsPerSequence);
    }
  }

  @Override
  public void softmaxBackward(Buf probs, Buf dP, int rows, int t, float scale, boolean causal, Buf keyMask,
      int rowsPerSequence) {
    if (keyMask == null) {
      VectorKernels.softmaxBackward(arr(probs), arr(dP), rows, t, scale, causal);
    } else {
      // P is 0 on every masked key, so the unmasked formula gives 0 there too: only the row extent matters
      MaskedSoftmax.backward(floats(probs), floats(dP), rows, t, scale);
    }
  }

  @Override
  public double[] crossEntropy(Buf logits, int[] targets, Buf probs, int rows, int vocab) {
    Preconditions.checkArgument(targets.length == rows, "%s targets for %s rows", targets.length, rows);
    double[] rowLoss = new double[rows];
    VectorKernels.crossEntropy(arr(logits), targets, arr(probs), rowLoss, rows, vocab);
    return rowLoss;
  }

  @Override
  public void crossEntropyBackward(Buf probs, int[] targets, float scale, Buf d, int rows, int vocab) {
    VectorKernels.crossEntropyBackward(arr(probs), targets, scale, arr(d), rows, vocab);
  }

  @Override
  public void embedForward(int[] tokens, Buf table, Buf positions, Buf out, int seq, int dim) {
    Kernels.embedForward(tokens, arr(table), arr(positions), arr(out), seq, dim);
  }

  @Override
  public void embedBackward(int[] tokens, Buf d, Buf dTable, Buf dPositions, int seq, int dim) {
    Kernels.embedBackward(tokens, arr(d), arr(dTable), arr(dPositions), seq, dim);
  }

  @Override
  public void dropoutForward(Buf x, Buf y, Buf mask, float p, long seed, long n) {
    Preconditions.checkArgument(p >= 0 && p < 1, "dropout p %s outside [0, 1)", p);
    FloatBuffer xs = floats(x);
    FloatBuffer ys = floats(y);
    FloatBuffer ms = floats(mask);
    float keep = 1f / (1f - p);
    for (int i = 0; i < n; i++) {
      float m = CounterRng.uniform(seed, i) >= p ? keep : 0f;
      ms.put(i, m);
      ys.put(i, xs.get(i) * m);
    }
  }

  @Override
  public void mul(Buf a, Buf b, Buf out, long n) {
    FloatBuffer as = floats(a);
    FloatBuffer bs = floats(b);
    FloatBuffer os = floats(out);
    for (int i = 0; i < n; i++) {
      os.put(i, as.get(i) * bs.get(i));
    }
  }

  @Override
  public void add(Buf a, Buf b, Buf out, long n) {
    FloatBuffer as = floats(a);
    FloatBuffer bs = floats(b);
    FloatBuffer os = floats(out);
    for (int i = 0; i < n; i++) {
      os.put(i, as.get(i) + bs.get(i));
    }
  }

  @Override
  public void scale(Buf x, float s, long n) {
    FloatBuffer xs = floats(x);
    for (int i = 0; i < n; i++) {
      xs.put(i, xs.get(i) * s);
    }
  }

  @Override
  public void fill(Buf x, float value) {
    arr(x).assign(value);
  }

  @Override
  public void adamw(Buf p, Buf g, Buf m, Buf v, Buf mask, float lr, float wd, float b1, float b2, float bc1,
      float bc2, float eps) {
    VectorKernels.adamw(arr(p), arr(g), arr(m), arr(v), arr(mask), lr, wd, b1, b2, bc1, bc2, eps);
  }

  @Override
  public double sumSquares(Buf x) {
    return VectorKernels.sumSquares(arr(x));
  }

  @Override
  public boolean allFinite(Buf x) {
    return VectorKernels.allFinite(arr(x));
  }

  /** The fused CPU attention kernel where it applies (no key mask, t and d multiples of 32), else the batched form. */
  @Override
  public void attentionForward(int count, int heads, int t, int d, Buf q, Buf k, Buf v, Buf p, Buf y, float scale,
      boolean causal, Buf keyMask) {
    if (keyMask == null && AttentionKernels.supports(t, d)) {
      AttentionKernels.forward(count, heads(q, heads, t, d), heads(k, heads, t, d), heads(v, heads, t, d),
          heads(p, heads, t, t), heads(y, heads, t, d), scale, causal);
    } else {
      Device.super.attentionForward(count, heads, t, d, q, k, v, p, y, scale, causal, keyMask);
    }
  }

  @Override
  public void attentionBackward(int count, int heads, int t, int d, Buf q, Buf k, Buf v, Buf p, Buf dy, Buf dq,
      Buf dk, Buf dv, Buf scratch, float scale, boolean causal, Buf keyMask) {
    if (keyMask == null && AttentionKernels.supports(t, d)) {
      AttentionKernels.backward(count, heads(q, heads, t, d), heads(k, heads, t, d), heads(v, heads, t, d),
          heads(p, heads, t, t), heads(dy, heads, t, d), heads(dq, heads, t, d), heads(dk, heads, t, d),
          heads(dv, heads, t, d), scale, causal);
    } else {
      Device.super.attentionBackward(count, heads, t, d, q, k, v, p, dy, dq, dk, dv, scratch, scale, causal,
          keyMask);
    }
  }

  @Override
  public void close() {}

  private static Blas.Heads heads(Buf b, int heads, int rows, int cols) {
    return Blas.Heads.of(arr(b), heads, rows, cols);
  }

  private static INDArray arr(Buf b) {
    return ((CpuBuf) b).array();
  }

  private static FloatBuffer floats(Buf b) {
    return arr(b).data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  private static FloatPointer pointer(Buf b) {
    return new FloatPointer(arr(b).data().addressPointer());
  }

  private static void checkSpan(Buf b, long off, long stride, int count, int rows, int ld, String what) {
    long lastRow = off + (count - 1) * stride + (long) (rows - 1) * ld;
    Preconditions.checkArgument(off >= 0 && lastRow < b.length(), "gemm operand %s: %s matrices of %s rows "
        + "(ld %s, stride %s) from offset %s overrun a buffer of %s", what, count, rows, ld, stride, off, b.length());
  }
}
