package org.anisoscope.model;

import org.anisoscope.util.Parallel;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;


/**
 * Fused CPU kernels for the training step's elementwise and row-wise work: softmax with the causal mask (forward and
 * backward), GELU (forward and backward), layer norm (forward and backward), and the copies between the
 * {@code [B·T, parts·H·D]} rows of a projection and the {@code [B, H, T, D]} heads. Each replaces a chain of ND4J ops
 * (one pass over memory instead of 3–8, no per-op overhead) and runs on {@link Parallel}'s threads.
 *
 * <p>The ND4J op chains stay as the reference: every layer falls back to them for float64 (the gradient checks), on
 * another backend (CUDA), for arrays that are not plain c-order buffers, when the {@code jdk.incubator.vector} module
 * is absent (run.sh adds it), and with {@code -Danisoscope.reference-kernels=true}. Tests check the fused float32
 * path against the reference path.
 */
public final class Kernels {
  private static final boolean AVAILABLE = Blas.direct()
      && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  private static volatile boolean enabled = AVAILABLE && !Boolean.getBoolean("anisoscope.reference-kernels");

  /**
   * Whether layer norms on the fused path keep their row means instead of x̂ (the backward pass recomputes x̂ from
   * the input) and run the residual adds around them in their own passes (LayerNorm's three-argument passes).
   */
  private static volatile boolean layerNormFusion = true;

  private Kernels() {
  }

  /**
   * Switches {@link #layerNormFusion()} on or off (both give the same bits; tests and the step-by-step measurement
   * {@code BenchAb} compare them); returns the previous setting.
   */
  public static boolean setLayerNormFusion(boolean on) {
    boolean was = layerNormFusion;
    layerNormFusion = on;
    return was;
  }

  /** Whether layer norms keep means, not x̂, and take the residual adds into their passes (the default). */
  static boolean layerNormFusion() {
    return layerNormFusion;
  }

  /**
   * Sets the least number of elements per thread before a kernel is split (default 2¹⁸; tests use a small one so
   * that the split path and its per-part sums run on small arrays); returns the old value.
   */
  public static int setMinPartElements(int elements) {
    int was = VectorKernels.minPart;
    VectorKernels.minPart = Math.max(1, elements);
    return was;
  }

  /** Whether the fused kernels can run in this JVM (CPU backend and the vector module present). */
  public static boolean available() {
    return AVAILABLE;
  }

  /** Whether layers use the fused kernels for float32 now. */
  public static boolean enabled() {
    return enabled;
  }

  /** Switches the fused kernels on or off (tests compare both paths); returns the previous setting. */
  public static boolean setEnabled(boolean on) {
    boolean was = enabled;
    enabled = on && AVAILABLE;
    return was;
  }

  /** True when the fused float32 kernels apply to all these arrays: enabled, float32, plain c-order buffers. */
  static boolean fused(INDArray... arrays) {
    if (!enabled) {
      return false;
    }
    for (INDArray x : arrays) {
      if (x.dataType() != DataType.FLOAT || !plain(x)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@link #heads} applies: the same buffers condition, any float type. */
  static boolean copies(INDArray... arrays) {
    if (!AVAILABLE || !enabled) {
      return false;
    }
    for (INDArray x : arrays) {
      if (x.dataType() != arrays[0].dataType() || !plain(x)) {
        return false;
      }
    }
    return true;
  }

  private static boolean plain(INDArray x) {
    return x.ordering() == 'c' && x.offset() == 0 && x.length() == x.data().length()
        && Shape.hasDefaultStridesForShape(x);
  }

  /**
   * Copies between projection rows and heads. {@code rows} is {@code [B·T, parts·H·D]}; its columns
   * {@code [part·H·D, (part+1)·H·D)} hold head h at {@code h·D}. {@code heads} is {@code [B, H, T, D]}.
   * {@code toHeads}: rows → heads, else heads → rows.
   */
  static void heads(INDArray rows, int parts, int part, INDArray heads, int batch, int seq, int nHeads, int dHead,
      boolean toHeads) {
    VectorKernels.heads(rows, parts, part, heads, batch, seq, nHeads, dHead, toHeads);
  }

  /**
   * Whether the fused attention ({@link #attentionForward}, {@link #attentionBackward}) takes heads of
   * {@code seq × dHead} in these float32 buffers.
   */
  static boolean attention(int seq, int dHead, INDArray... arrays) {
    return fused(arrays) && AttentionKernels.supports(seq, dHead);
  }

  /** Whether training this model on sequences of {@code seq} runs the fused attention (for reports). */
  public static boolean attentionFused(ModelConfig cfg, int seq) {
    return enabled && cfg.dtype() == DataType.FLOAT && cfg.dropout() == 0.0
        && AttentionKernels.supports(seq, cfg.dModel() / cfg.heads());
  }

  /** P = softmax(scale·q·kᵀ) (causal or not) into {@code p}, y = P·v into {@code y}, head by head. */
  static void attentionForward(int count, Blas.Heads q, Blas.Heads k, Blas.Heads v, Blas.Heads p, Blas.Heads y,
      double scale, boolean causal) {
    AttentionKernels.forward(count, q, k, v, p, y, (float) scale, causal);
  }

  /** dq, dk, dv from the forward pass's P and the output gradient dy, head by head. */
  static void attentionBackward(int count, Blas.Heads q, Blas.Heads k, Blas.Heads v, Blas.Heads p, Blas.Heads dy,
      Blas.Heads dq, Blas.Heads dk, Blas.Heads dv, double scale, boolean causal) {
    AttentionKernels.backward(count, q, k, v, p, dy, dq, dk, dv, (float) scale, causal);
  }

  /**
   * The row-tiled attention (FlashAttention's memory plan): y = softmax(scale·q·kᵀ)·v and the rows' log-sum-exp
   * {@code lse [count, T]}; P only into {@code p} when that is not null. Nothing of size T² is kept.
   */
  static void attentionForwardTiled(int count, Blas.Heads q, Blas.Heads k, Blas.Heads v, INDArray lse,
      Blas.Heads p, Blas.Heads y, double scale, boolean causal) {
    AttentionKernels.forwardTiled(count, q, k, v, lse, p, y, (float) scale, causal);
  }

  /** dq, dk, dv of {@link #attentionForwardTiled}, recomputing P from q, k and {@code lse}. */
  static void attentionBackwardTiled(int count, Blas.Heads q, Blas.Heads k, Blas.Heads v, INDArray lse,
      Blas.Heads dy, Blas.Heads dq, Blas.Heads dk, Blas.Heads dv, double scale, boolean causal) {
    AttentionKernels.backwardTiled(count, q, k, v, lse, dy, dq, dk, dv, (float) scale, causal);
  }

  /** P of {@link #attentionForwardTiled}'s pass, recomputed from q, k and {@code lse} into {@code p}. */
  static void attentionPatterns(int count, Blas.Heads q, Blas.Heads k, INDArray lse, Blas.Heads p, double scale,
      boolean causal) {
    AttentionKernels.patterns(count, q, k, lse, p, (float) scale, causal);
  }

  static void softmaxForward(INDArray scores, INDArray probs, int rows, int t, double scale, boolean causal) {
    VectorKernels.softmaxForward(scores, probs, rows, t, (float) scale, causal);
  }

  static void softmaxBackward(INDArray probs, INDArray dP, int rows, int t, double scale, boolean causal) {
    VectorKernels.softmaxBackward(probs, dP, rows, t, (float) scale, causal);
  }

  /** act = GELU(h + bias), grad = GELU'(h + bias); h is the bias-free pre-activation and stays unchanged. */
  static void geluForward(INDArray h, INDArray bias, INDArray grad, INDArray act) {
    VectorKernels.geluForward(h, read(bias), grad, act, (int) h.size(0), (int) h.size(1));
  }

  /** dAct ← dAct ⊙ grad in place; returns Σ_rows of the result (the folded bias's gradient). */
  static double[] geluBackward(INDArray grad, INDArray dAct) {
    double[] dBias = new double[(int) grad.size(1)];
    VectorKernels.geluBackward(grad, dAct, dBias, (int) grad.size(0), (int) grad.size(1));
    return dBias;
  }

  static void layerNormForward(INDArray x, float[] gamma, float[] beta, double eps, INDArray xhat, INDArray y,
      INDArray rstd, int n, int dim) {
    VectorKernels.layerNormForward(x, gamma, beta, (float) eps, xhat, y, rstd, n, dim);
  }

  static void layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, float[] gamma, INDArray dx,
      double[] dGamma, double[] dBeta, int n, int dim) {
    VectorKernels.layerNormBackward(dy, xhat, rstd, gamma, dx, dGamma, dBeta, n, dim);
  }

  /**
   * Layer norm of x (with {@code add} not null: of {@code sum = x + add}, written to sum in the same pass) keeping
   * the row means in {@code mean [n, 1]} instead of x̂: y and rstd are {@link #layerNormForward}'s bits.
   */
  static void layerNormForwardKeepMean(INDArray x, INDArray add, INDArray sum, float[] gamma, float[] beta,
      double eps, INDArray mean, INDArray y, INDArray rstd, int n, int dim) {
    VectorKernels.layerNormForward(x, add, sum, gamma, beta, (float) eps, null, mean, y, rstd, n, dim);
  }

  /**
   * {@link #layerNormBackward} after {@link #layerNormForwardKeepMean}: x̂ recomputed from the normalised input x
   * (the same bits as the kept x̂), and with {@code residual} not null {@code out = residual + dx} in the same pass.
   */
  static void layerNormBackwardFromInput(INDArray dy, INDArray x, INDArray mean, INDArray rstd, float[] gamma,
      INDArray residual, INDArray out, double[] dGamma, double[] dBeta, int n, int dim) {
    VectorKernels.layerNormBackward(dy, x, mean, rstd, gamma, residual, out, dGamma, dBeta, n, dim);
  }

  /** Every row of {@code y} set to {@code row} (the bias a GEMM with β = 1 then adds its product to). */
  static void setRows(INDArray y, INDArray row) {
    VectorKernels.setRows(y, read(row), (int) y.size(0), (int) y.size(1));
  }

  /** {@code acc [1, m] += Σ_rows x} for a {@code [n, m]} float32 buffer. */
  static void addColumnSums(INDArray x, INDArray acc) {
    int m = (int) x.size(1);
    double[] sums = new double[m];
    VectorKernels.columnSums(x, (int) x.size(0), m, sums);
    addTo(acc, sums);
  }

  /** out = a + b (fused when all three are plain float32 buffers, else with ND4J ops). */
  static void add(INDArray a, INDArray b, INDArray out) {
    if (fused(a, b, out)) {
      VectorKernels.add(a, b, out);
    } else {
      out.assign(a).addi(b);
    }
  }

  /**
   * Whether {@link #embedForward} / {@link #embedBackward} apply: fused kernels on, float32, the tables
   * contiguous (they are views into the flat parameter buffer), the activations plain buffers.
   */
  static boolean embedding(INDArray table, INDArray positions, INDArray out) {
    return enabled && table.dataType() == DataType.FLOAT && positions.dataType() == DataType.FLOAT
        && contiguous(table) && contiguous(positions) && fused(out);
  }

  /**
   * {@code out[b·T + t] = table[tokens[b·T + t]] + positions[t]}: a gather of token rows plus the position row,
   * one pass (replaces ND4J's pullRows and a broadcast add).
   */
  static void embedForward(int[] tokens, INDArray table, INDArray positions, INDArray out, int seq, int dim) {
    float[] tab = new float[(int) table.length()];
    new FloatPointer(table.data().addressPointer()).get(tab);
    float[] pos = new float[seq * dim];
    new FloatPointer(positions.data().addressPointer()).get(pos);
    java.nio.FloatBuffer o = out.data().asNio().order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
    float[] row = new float[dim];
    for (int i = 0; i < tokens.length; i++) {
      int tr = tokens[i] * dim;
      int pr = (i % seq) * dim;
      for (int j = 0; j < dim; j++) {
        row[j] = tab[tr + j] + pos[pr + j];
      }
      o.put(i * dim, row, 0, dim);
    }
  }

  /**
   * {@code dTable[tokens[i]] += d[i]} (a scatter-add: repeated tokens accumulate) and
   * {@code dPositions[t] += Σ_b d[b·T + t]}, summed in double in position order, then added once into the float32
   * gradients.
   */
  static void embedBackward(int[] tokens, INDArray d, INDArray dTable, INDArray dPositions, int seq, int dim) {
    double[] gTab = new double[(int) dTable.length()];
    double[] gPos = new double[seq * dim];
    java.nio.FloatBuffer in = d.data().asNio().order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
    float[] row = new float[dim];
    for (int i = 0; i < tokens.length; i++) {
      in.get(i * dim, row, 0, dim);
      int tr = tokens[i] * dim;
      int pr = (i % seq) * dim;
      for (int j = 0; j < dim; j++) {
        gTab[tr + j] += row[j];
        gPos[pr + j] += row[j];
      }
    }
    addTo(dTable, gTab);
    addTo(dPositions, gPos);
  }

  /** Whether {@link #crossEntropy} applies to these arrays (public for the objectives). */
  public static boolean fusedCrossEntropy(INDArray logits, INDArray probs, INDArray d) {
    return fused(logits, probs, d);
  }

  /**
   * Softmax cross-entropy of float32 {@code logits [n, V]} against class ids ({@code < 0}: ignored): writes the
   * softmax into {@code probs}, returns the per-row losses (0 for ignored rows).
   */
  public static double[] crossEntropy(INDArray logits, int[] targets, INDArray probs) {
    int n = (int) logits.size(0);
    double[] rowLoss = new double[n];
    VectorKernels.crossEntropy(logits, targets, probs, rowLoss, n, (int) logits.size(1));
    return rowLoss;
  }

  /** d = (probs − onehot(t)) · scale, rows with {@code t < 0} zero. */
  public static void crossEntropyBackward(INDArray probs, int[] targets, double scale, INDArray d) {
    VectorKernels.crossEntropyBackward(probs, targets, (float) scale, d, (int) probs.size(0), (int) probs.size(1));
  }

  /** The L2 norm of a whole array: fused for a plain float32 buffer (one pass), else ND4J's norm2. */
  public static double norm2(INDArray x) {
    return fused(x) ? Math.sqrt(VectorKernels.sumSquares(x)) : x.norm2Number().doubleValue();
  }

  /** Whether no element is NaN or ±∞: fused for a plain float32 buffer (one pass), else ND4J's condition op. */
  public static boolean allFinite(INDArray x) {
    return fused(x) ? VectorKernels.allFinite(x)
        : !org.nd4j.linalg.indexing.BooleanIndexing.or(x, org.nd4j.linalg.indexing.conditions.Conditions.notFinite());
  }

  /** Whether {@link #adamw} applies (all float32 plain buffers). */
  public static boolean fusedAdamW(INDArray... arrays) {
    return fused(arrays);
  }

  /** One fused AdamW update (see {@code org.anisoscope.train.AdamW} for the reference op chain). */
  public static void adamw(INDArray p, INDArray g, INDArray m, INDArray v, INDArray mask, double lr, double wd,
      double beta1, double beta2, double bc1, double bc2, double eps) {
    VectorKernels.adamw(p, g, m, v, mask, (float) lr, (float) wd, (float) beta1, (float) beta2, (float) bc1,
        (float) bc2, (float) eps);
  }

  /** The values of a small float32 vector (a bias, a layer-norm gain): one bulk copy, no ND4J op. */
  static float[] read(INDArray row) {
    if (row.dataType() != DataType.FLOAT || !contiguous(row)) {
      return row.toFloatVector();
    }
    float[] out = new float[(int) row.length()];
    new FloatPointer(row.data().addressPointer()).get(out);
    return out;
  }

  /** {@code target += values} for a small vector (a gradient row inside the flat gradient buffer). */
  static void addTo(INDArray target, double[] values) {
    if (target.dataType() != DataType.FLOAT || !contiguous(target) || target.length() != values.length) {
      target.addi(Nd4j.createFromArray(values).castTo(target.dataType()).reshape(target.shape()));
      return;
    }
    FloatPointer p = new FloatPointer(target.data().addressPointer());
    float[] cur = new float[values.length];
    p.get(cur);
    for (int j = 0; j < cur.length; j++) {
      cur[j] += (float) values[j];
    }
    p.put(cur);
  }

  /** Elements one after another in memory from the array's own start (offset included in its address). */
  private static boolean contiguous(INDArray x) {
    return AVAILABLE && x.ordering() == 'c' && Shape.hasDefaultStridesForShape(x);
  }
}
