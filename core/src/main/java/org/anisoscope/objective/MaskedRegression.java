package org.anisoscope.objective;

import com.google.common.base.Preconditions;
import org.anisoscope.data.Batch;
import org.anisoscope.model.Blas;
import org.anisoscope.model.Buffers;
import org.anisoscope.model.Param;
import org.anisoscope.model.ParamStore;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

/**
 * Masked input regression (MAE / SimMIM for image patches, the same for audio frames): a linear head
 * {@code y = h W + b} ({@code W [C, D]}) predicts {@link Batch#valueTargets} at the {@link Batch#masked} positions,
 * and the loss is the mean squared error over the masked positions only,
 * {@code L = Σ_{masked i} Σ_d (y_id − t_id)² / (M·D)} (MAE's per-patch mean, then the mean over the M masked
 * patches). No softmax anywhere. What the targets are (normalised pixels, log-mel frames) is the data source's
 * choice; the frontend must hide the masked inputs (the patch embedding's mask embedding does).
 */
public final class MaskedRegression implements Objective {
  public static final String NAME = "masked-regression";
  private final Param weight;   // [C, D]
  private final Param bias;     // [1, D]
  private final int targetDim;
  private final Buffers buf;
  private int maskedCount;

  public MaskedRegression(ParamStore store, int dModel, int targetDim) {
    Preconditions.checkArgument(targetDim >= 1, "targets need >= 1 value per position, got %s", targetDim);
    this.targetDim = targetDim;
    this.weight = store.declare("reg_head.W", new long[] {dModel, targetDim}, ParamStore.Init.NORMAL, 0.02, true);
    this.bias = store.declare("reg_head.b", new long[] {1, targetDim}, ParamStore.Init.ZEROS, 0, false);
    this.buf = new Buffers(store.dtype());
  }

  /** Predicts {@code targetDim} values per masked position. */
  public static ObjectiveFactory factory(int targetDim) {
    return (store, cfg, frontend) -> new MaskedRegression(store, cfg.dModel(), targetDim);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public LossResult forward(INDArray hidden, Batch batch) {
    boolean[] masked = batch.masked();
    Preconditions.checkArgument(masked != null && batch.valueTargets() != null,
        "%s needs masked positions and value targets in the batch", NAME);
    Preconditions.checkArgument(batch.valueTargets().width() == targetDim, "value targets have %s values per "
        + "position, the head predicts %s", batch.valueTargets().width(), targetDim);
    int n = batch.positions();
    INDArray pred = predictions(hidden);                             // [n, D]
    double[] m = new double[n];
    maskedCount = 0;
    for (int i = 0; i < n; i++) {
      m[i] = masked[i] ? 1 : 0;
      maskedCount += masked[i] ? 1 : 0;
    }
    Preconditions.checkArgument(maskedCount > 0, "%s: the batch has no masked position", NAME);
    INDArray maskCol = buf.get("mask", n, 1).assign(Nd4j.create(m, new long[] {n, 1}, DataType.DOUBLE));
    INDArray target = buf.get("target", n, targetDim).assign(Nd4j.createFromArray(batch.valueTargets().values())
        .reshape(n, targetDim).castTo(pred.dataType()));
    INDArray diff = buf.get("diff", n, targetDim).assign(pred).subi(target).muliColumnVector(maskCol); // [n, D]
    double sq = diff.norm2Number().doubleValue();
    return new LossResult(sq * sq / ((double) maskedCount * targetDim), maskedCount, Map.of());
  }

  /** @return predictions {@code [n, D]} at every position, a buffer owned by this objective */
  public INDArray predictions(INDArray hidden) {
    INDArray pred = buf.get("pred", hidden.size(0), targetDim);
    pred.assign(0.0).addiRowVector(bias.value());
    Blas.gemm(hidden, weight.value(), pred, false, false, 1.0, 1.0);
    return pred;
  }

  @Override
  public INDArray backward(INDArray hidden, Batch batch) {
    long n = hidden.size(0);
    INDArray dPred = buf.get("dpred", n, targetDim)                  // dL/dy = 2 (y − t) / (M·D) at masked rows
        .assign(buf.get("diff", n, targetDim)).muli(2.0 / ((double) maskedCount * targetDim));
    buf.addColumnSums(dPred, bias.grad());
    Blas.gemm(hidden, dPred, weight.grad(), true, false, 1.0, 1.0);  // dW += hᵀ dY
    INDArray dHidden = buf.get("dhidden", n, hidden.size(1));
    Blas.gemm(dPred, weight.value(), dHidden, false, true, 1.0, 0.0); // dh = dY Wᵀ
    return dHidden;
  }

  @Override
  public List<String> scalarNames() {
    return List.of();
  }

  @Override
  public boolean requiresCausal() {
    return false;
  }
}
