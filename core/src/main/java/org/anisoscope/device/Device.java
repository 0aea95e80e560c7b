package org.anisoscope.device;

/**
 * The operations of a training step on one device, over float32 buffers in row-major order. Shapes are passed
 * explicitly ({@code rows × cols}); a buffer is a flat run of floats that the device owns ({@link #alloc}).
 * Integer inputs that change every step and are small (token ids, targets) travel as host arrays.
 *
 * <p>Conventions shared by both implementations, so that their results agree to float32 rounding:
 * <ul>
 *   <li>"accumulate" outputs ({@code dGamma}, {@code dBeta}, {@code dBias}, {@code acc}, {@code dTable},
 *       {@code dPositions}) are added to, never overwritten;</li>
 *   <li>a key mask is {@code [B, T]} floats, 1 for a real key and 0 for padding, shared by the
 *       {@code heads} heads of a sequence; a query row whose keys are all masked gets probabilities 0;</li>
 *   <li>reductions whose result leaves the device ({@link #sumSquares}, {@link #allFinite},
 *       {@link #crossEntropy}'s row losses) have a fixed order, so a result does not depend on the launch.</li>
 * </ul>
 *
 * <p>The model's device path ({@code model.device}, {@link DeviceModel}) runs on these operations only; see
 * ARCHITECTURE.md, "Device layer".
 */
public interface Device extends AutoCloseable {

  /** A buffer of {@link #length} float32 elements owned by one device. */
  interface Buf {
    long length();
  }

  /** "cpu", or "cuda:&lt;GPU name&gt;". */
  String name();

  /** A zeroed buffer of {@code n} floats. */
  Buf alloc(long n);

  /** Copies {@code src} into the start of {@code dst}. */
  void upload(float[] src, Buf dst);

  /** The whole buffer, on the host. */
  float[] download(Buf src);

  /**
   * {@code C = alpha·op(A)·op(B) + beta·C}, row-major, {@code op(A)} {@code m × k}, {@code op(B)} {@code k × n};
   * offsets in elements, leading dimensions the row strides of the stored (untransposed) matrices.
   */
  void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, Buf a, long offA, int lda, Buf b, long offB,
      int ldb, float beta, Buf c, long offC, int ldc);

  /** {@link #gemm} for {@code count} matrices at fixed strides (elements) from the offsets. */
  void gemmStridedBatched(int count, boolean ta, boolean tb, int m, int n, int k, float alpha, Buf a, long offA,
      int lda, long strideA, Buf b, long offB, int ldb, long strideB, float beta, Buf c, long offC, int ldc,
      long strideC);

  /** Rows of {@code x [rows, dim]}: xhat = (x − μ)/σ, y = γ ⊙ xhat + β, rstd = 1/σ, σ² the biased variance + eps. */
  void layerNormForward(Buf x, Buf gamma, Buf beta, float eps, Buf xhat, Buf y, Buf rstd, int rows, int dim);

  /** dx = rstd ⊙ (g − mean(g) − xhat·mean(g ⊙ xhat)), g = dy ⊙ γ; accumulates Σ dy ⊙ xhat and Σ dy. */
  void layerNormBackward(Buf dy, Buf xhat, Buf rstd, Buf gamma, Buf dx, Buf dGamma, Buf dBeta, int rows, int dim);

  /** act = GELU(h + bias), grad = GELU'(h + bias) (the exact erf form), {@code [rows, cols]}; h unchanged. */
  void geluForward(Buf h, Buf bias, Buf grad, Buf act, int rows, int cols);

  /** In place dAct ← dAct ⊙ grad; accumulates the column sums of the result into {@code dBias}. */
  void geluBackward(Buf grad, Buf dAct, Buf dBias, int rows, int cols);

  /** Every row of {@code y [rows, cols]} set to {@code row} (a bias that a GEMM with β = 1 then adds to). */
  void setRows(Buf y, Buf row, int rows, int cols);

  /** {@code acc [cols] += Σ_rows x}. */
  void addColumnSums(Buf x, Buf acc, int rows, int cols);

  /**
   * Rows of {@code [rows, t]} scores: probs = softmax(scale·s) over the allowed keys, 0 elsewhere. Causal: row r
   * allows keys ≤ r mod t. {@code keyMask} ({@code [rows / rowsPerSequence, t]}, or null) removes padded keys.
   */
  void softmaxForward(Buf scores, Buf probs, int rows, int t, float scale, boolean causal, Buf keyMask,
      int rowsPerSequence);

  /** In place dP ← scale · P ⊙ (dP − Σ_j dP ⊙ P), row by row (the gradient of the scores). */
  void softmaxBackward(Buf probs, Buf dP, int rows, int t, float scale, boolean causal, Buf keyMask,
      int rowsPerSequence);

  /** probs = softmax(logits) row by row; returns the row losses logsumexp − z[target] (0 where target &lt; 0). */
  double[] crossEntropy(Buf logits, int[] targets, Buf probs, int rows, int vocab);

  /** d = (probs − onehot(target))·scale, rows with target &lt; 0 zero. */
  void crossEntropyBackward(Buf probs, int[] targets, float scale, Buf d, int rows, int vocab);

  /** out[i] = table[tokens[i]] + positions[i mod seq], {@code dim} columns. */
  void embedForward(int[] tokens, Buf table, Buf positions, Buf out, int seq, int dim);

  /** Scatter-add: dTable[tokens[i]] += d[i], dPositions[i mod seq] += d[i]. */
  void embedBackward(int[] tokens, Buf d, Buf dTable, Buf dPositions, int seq, int dim);

  /**
   * Inverted dropout of {@code n} elements: mask[i] = 1/(1 − p) where {@link CounterRng#uniform}(seed, i) ≥ p, else
   * 0; y = x ⊙ mask. The backward pass is a product with the same mask ({@link #mul}).
   */
  void dropoutForward(Buf x, Buf y, Buf mask, float p, long seed, long n);

  /** out = a ⊙ b over {@code n} elements (out may be a or b). */
  void mul(Buf a, Buf b, Buf out, long n);

  /** out = a + b over {@code n} elements (out may be a or b): the residual connections. */
  void add(Buf a, Buf b, Buf out, long n);

  /** x ← s·x over {@code n} elements: gradient clipping. */
  void scale(Buf x, float s, long n);

  /** Every element of {@code x} set to {@code value} (0 clears a gradient even where it held a NaN). */
  void fill(Buf x, float value);

  /**
   * One AdamW step in PyTorch's order (as the CPU kernel): p ← p − lr·wd·mask·p, m ← β₁m + (1−β₁)g,
   * v ← β₂v + (1−β₂)g², p ← p − lr·(m/bc₁)/(√(v/bc₂) + ε).
   */
  void adamw(Buf p, Buf g, Buf m, Buf v, Buf mask, float lr, float wd, float b1, float b2, float bc1, float bc2,
      float eps);

  /** Σ x² over the whole buffer, in a fixed order. */
  double sumSquares(Buf x);

  /** Whether no element is NaN or ±∞. */
  boolean allFinite(Buf x);

  /** Waits for the device's queued work (a no-op on the CPU); for timing. */
  default void synchronize() {}

  @Override
  void close();

  /**
   * Attention for {@code count = B·H} heads over plain {@code [count, t, d]} buffers: P = softmax(scale·q·kᵀ) with
   * the causal and key masks into {@code p [count, t, t]}, y = P·v. The simple batched form (two strided GEMMs
   * and a softmax); a device may override it with a fused kernel.
   */
  default void attentionForward(int count, int heads, int t, int d, Buf q, Buf k, Buf v, Buf p, Buf y,
      float scale, boolean causal, Buf keyMask) {
    long tt = (long) t * t;
    long td = (long) t * d;
    // S [count, t, t] = q·kᵀ, straight into p; the softmax then runs in place
    gemmStridedBatched(count, false, true, t, t, d, 1f, q, 0, d, td, k, 0, d, td, 0f, p, 0, t, tt);
    softmaxForward(p, p, count * t, t, scale, causal, keyMask, heads * t);
    gemmStridedBatched(count, false, false, t, d, t, 1f, p, 0, t, tt, v, 0, d, td, 0f, y, 0, d, td);
  }

  /**
   * dq, dk, dv from the forward pass's P and dy: dv = Pᵀ·dy, dS = softmax′(P, dy·vᵀ), dq = dS·k, dk = dSᵀ·q.
   * {@code scratch} holds {@code count·t·t} floats (dP, then dS in place).
   */
  default void attentionBackward(int count, int heads, int t, int d, Buf q, Buf k, Buf v, Buf p, Buf dy, Buf dq,
      Buf dk, Buf dv, Buf scratch, float scale, boolean causal, Buf keyMask) {
    long tt = (long) t * t;
    long td = (long) t * d;
    gemmStridedBatched(count, true, false, t, d, t, 1f, p, 0, t, tt, dy, 0, d, td, 0f, dv, 0, d, td);
    gemmStridedBatched(count, false, true, t, t, d, 1f, dy, 0, d, td, v, 0, d, td, 0f, scratch, 0, t, tt);
    softmaxBackward(p, scratch, count * t, t, scale, causal, keyMask, heads * t);
    gemmStridedBatched(count, false, false, t, d, t, 1f, scratch, 0, t, tt, k, 0, d, td, 0f, dq, 0, d, td);
    gemmStridedBatched(count, true, false, t, d, t, 1f, scratch, 0, t, tt, q, 0, d, td, 0f, dk, 0, d, td);
  }
}
