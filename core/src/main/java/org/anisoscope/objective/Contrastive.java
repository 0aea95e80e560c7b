package org.anisoscope.objective;

import com.google.common.base.Preconditions;
import org.anisoscope.data.Batch;
import org.anisoscope.model.Blas;
import org.anisoscope.model.Buffers;
import org.anisoscope.model.Frontend;
import org.anisoscope.model.ModelConfig;
import org.anisoscope.model.ParamStore;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastCopyOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Unsupervised SimCSE (Gao, Yao &amp; Chen 2021, §3): InfoNCE between two dropout views of the same sequences.
 *
 * <p><b>Batch contract.</b> A batch holds {@code 2n} sequences ({@code n ≥ 2}): rows {@code i} and {@code n + i}
 * are the two views of pair i, i.e. the same tokens; {@link #pairedViews} builds such a batch from n sequences.
 * The two views differ only by dropout: one training-mode forward pass of the 2n rows draws an independent mask
 * for every element, so rows i and n + i see different masks (SimCSE's own implementation duplicates the batch
 * the same way). With {@code model.dropout = 0} the views are identical and only the negatives teach anything.
 * Targets are not read (may be null).
 *
 * <p><b>Loss.</b> Sentence embedding {@code e_b = mean_t h[b, t]} over all T positions (this framework's batches
 * have no padding and no [CLS] token), {@code u_b = e_b / max(‖e_b‖, 1e-8)} (PyTorch's cosine clamp),
 * {@code S = U Uᵀ / τ}. With {@code A = S[view 1, view 2]} ({@code [n, n]}, positives on the diagonal) the loss is
 * the symmetric InfoNCE {@code ½ (CE(A, diag) + CE(Aᵀ, diag))}, each cross-entropy a mean over n anchors (SimCSE
 * itself uses only the first term); negatives are the other sequences of the opposite view only (as SimCSE; not
 * SimCLR's NT-Xent, which adds same-view ones). τ defaults to SimCSE's 0.05.
 *
 * <p><b>No projection head.</b> SimCSE trains with an MLP over [CLS] and drops it at test time; its pooling
 * ablation finds the choice matters little for unsupervised training, and here the loss acts directly on the
 * hidden states whose anisotropy is measured, with no extra parameters to absorb it. The model may be
 * bidirectional (the usual encoder) or causal: mean pooling is defined for both, so the attention mask can be
 * varied alone.
 *
 * <p>Logs {@code retrieval_acc}: top-1 retrieval accuracy of the positive among the opposite view, averaged over
 * both directions.
 */
public final class Contrastive implements Objective {
  public static final String NAME = "contrastive";
  public static final String RETRIEVAL_ACC = "retrieval_acc";
  /** SimCSE's temperature. */
  public static final double DEFAULT_TEMPERATURE = 0.05;
  private static final double NORM_EPS = 1e-8;
  private final double temperature;
  private final DataType dtype;
  // Per pair count n (the class count of the cross-entropy): [0] view 1 → view 2, [1] view 2 → view 1.
  private final Map<Integer, SoftmaxCrossEntropy[]> xents = new HashMap<>();
  private final Buffers buf;

  /** With {@link #DEFAULT_TEMPERATURE}: the registry's factory. */
  public Contrastive(ParamStore store, ModelConfig cfg, Frontend frontend) {
    this(store, cfg, frontend, DEFAULT_TEMPERATURE);
  }

  public Contrastive(ParamStore store, ModelConfig cfg, Frontend frontend, double temperature) {
    Preconditions.checkArgument(temperature > 0 && Double.isFinite(temperature),
        "temperature must be positive, got %s", temperature);
    this.temperature = temperature;
    this.dtype = store.dtype();
    this.buf = new Buffers(dtype);
  }

  /** A factory for a temperature other than the default (e.g. read from the config). */
  public static ObjectiveFactory withTemperature(double temperature) {
    return (store, cfg, frontend) -> new Contrastive(store, cfg, frontend, temperature);
  }

  /** The batch contract: n sequences → 2n rows, row {@code n + i} a copy of row {@code i}; targets null. */
  public static Batch pairedViews(Batch batch) {
    Preconditions.checkArgument(batch.tokens() != null, "pairedViews needs batch tokens");
    int[] tokens = batch.tokens();
    int[] both = new int[2 * tokens.length];
    System.arraycopy(tokens, 0, both, 0, tokens.length);
    System.arraycopy(tokens, 0, both, tokens.length, tokens.length);
    return new Batch(2 * batch.size(), batch.seq(), both, null);
  }

  @Override
  public String name() {
    return NAME;
  }

  public double temperature() {
    return temperature;
  }

  @Override
  public LossResult forward(INDArray hidden, Batch batch) {
    int rows = batch.size();
    int n = pairs(hidden, batch);
    long c = hidden.size(1);
    INDArray pooled = buf.get("pooled", rows, c);     // [2n, C] e = mean_t h
    INDArray unit = buf.get("unit", rows, c);         // [2n, C] u = e / ‖e‖
    INDArray rInv = buf.get("rinv", rows, 1);         // [2n, 1] 1 / max(‖e‖, eps)
    INDArray projected = buf.get("projected", rows, 1); // [2n, 1] 1 where ‖e‖ > eps (u/e is a projection)
    INDArray sim = buf.get("sim", rows, rows);        // [2n, 2n] S = U Uᵀ / τ
    INDArray a12 = buf.get("a12", n, n);              // [n, n] S[view 1, view 2]
    INDArray a21 = buf.get("a21", n, n);              // [n, n] S[view 2, view 1] = a12ᵀ
    hidden.reshape(rows, batch.seq(), c).mean(pooled, false, 1);
    double[] norms = pooled.norm2(true, 1).toDoubleVector();
    double[] inv = new double[rows];
    double[] proj = new double[rows];
    for (int b = 0; b < rows; b++) {
      inv[b] = 1.0 / Math.max(norms[b], NORM_EPS);
      proj[b] = norms[b] > NORM_EPS ? 1 : 0;
    }
    rInv.assign(Nd4j.create(inv, new long[] {rows, 1}, DataType.DOUBLE));
    projected.assign(Nd4j.create(proj, new long[] {rows, 1}, DataType.DOUBLE));
    unit.assign(pooled).muliColumnVector(rInv);
    Blas.gemm(unit, unit, sim, false, true, 1.0 / temperature, 0.0);
    a12.assign(sim.get(NDArrayIndex.interval(0, n), NDArrayIndex.interval(n, rows)));
    a21.assign(sim.get(NDArrayIndex.interval(n, rows), NDArrayIndex.interval(0, n)));
    SoftmaxCrossEntropy[] x = xents(n);
    int[] diagonal = diagonal(n);
    double loss = 0.5 * (x[0].forward(a12, diagonal) + x[1].forward(a21, diagonal));
    double acc = 0.5 * (hits(a12) + hits(a21)) / n;
    return new LossResult(loss, rows, Map.of(RETRIEVAL_ACC, acc));
  }

  @Override
  public INDArray backward(INDArray hidden, Batch batch) {
    int rows = batch.size();
    int n = pairs(hidden, batch);
    int seq = batch.seq();
    long c = hidden.size(1);
    INDArray unit = buf.get("unit", rows, c);
    INDArray rInv = buf.get("rinv", rows, 1);
    INDArray projected = buf.get("projected", rows, 1);
    INDArray dSim = buf.get("dsim", rows, rows);      // [2n, 2n] dS + dSᵀ (S is symmetric in U)
    INDArray dUnit = buf.get("dunit", rows, c);       // [2n, C] dL/du, then dL/de
    INDArray tmp = buf.get("tmp", rows, c);           // [2n, C]
    INDArray dHidden = buf.get("dhidden", hidden.size(0), c); // [2n·T, C]
    SoftmaxCrossEntropy[] x = xents(n);
    INDArray upper = dSim.get(NDArrayIndex.interval(0, n), NDArrayIndex.interval(n, rows)); // [n, n] view
    INDArray lower = dSim.get(NDArrayIndex.interval(n, rows), NDArrayIndex.interval(0, n)); // [n, n] view
    dSim.assign(0.0);
    // L = ½(CE(S₁₂) + CE(S₂₁)), S₂₁ = S₁₂ᵀ: both blocks of dS + dSᵀ are ½(dS₁₂ + dS₂₁ᵀ) and its transpose.
    upper.assign(x[0].backward(n)).addi(x[1].backward(n).transpose()).muli(0.5);
    lower.assign(upper.transpose());
    Blas.gemm(dSim, unit, dUnit, false, false, 1.0 / temperature, 0.0); // du = (dS + dSᵀ) U / τ
    // de = (du − u (u·du)) / ‖e‖: the unit normalisation's Jacobian (just du / eps where the norm was clamped).
    INDArray dot = tmp.assign(unit).muli(dUnit).sum(true, 1).muli(projected); // [2n, 1]
    tmp.assign(unit).muliColumnVector(dot);
    dUnit.subi(tmp).muliColumnVector(rInv).muli(1.0 / seq);  // de / T: each position's share of the mean
    Nd4j.exec(new BroadcastCopyOp(dHidden.reshape(rows, seq, c), dUnit, dHidden.reshape(rows, seq, c), 0, 2));
    return dHidden;
  }

  private static int pairs(INDArray hidden, Batch batch) {
    int rows = batch.size();
    Preconditions.checkArgument(rows % 2 == 0 && rows >= 4,
        "%s needs 2n rows (two views of n >= 2 sequences), got %s", NAME, rows);
    Preconditions.checkArgument(hidden.size(0) == batch.positions(), "hidden has %s rows, batch [%s, %s] has %s",
        hidden.size(0), rows, batch.seq(), batch.positions());
    return rows / 2;
  }

  private SoftmaxCrossEntropy[] xents(int n) {
    return xents.computeIfAbsent(n, k -> new SoftmaxCrossEntropy[] {
        new SoftmaxCrossEntropy(dtype, k), new SoftmaxCrossEntropy(dtype, k)});
  }

  private static int[] diagonal(int n) {
    int[] d = new int[n];
    for (int i = 0; i < n; i++) {
      d[i] = i;
    }
    return d;
  }

  /** How many rows have their maximum on the diagonal. */
  private static int hits(INDArray scores) {
    long[] best = scores.argMax(1).toLongVector();
    int hits = 0;
    for (int i = 0; i < best.length; i++) {
      hits += best[i] == i ? 1 : 0;
    }
    return hits;
  }

  @Override
  public List<String> scalarNames() {
    return List.of(RETRIEVAL_ACC);
  }

  @Override
  public boolean requiresCausal() {
    return false;
  }
}
