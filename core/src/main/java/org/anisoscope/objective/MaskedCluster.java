package org.anisoscope.objective;

import com.google.common.base.Preconditions;
import org.anisoscope.data.Batch;
import org.anisoscope.model.Blas;
import org.anisoscope.model.Buffers;
import org.anisoscope.model.Param;
import org.anisoscope.model.ParamStore;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/**
 * HuBERT's masked prediction (Hsu et al. 2021, eq. 2 with α = 1: loss on masked frames only): the frames of an
 * utterance are labelled offline with k-means cluster ids, the frontend hides the masked frames, and a linear
 * head {@code logits = h W + b} ({@code W [C, k]}) is trained with cross-entropy to predict each masked frame's
 * cluster id. HuBERT scores {@code cos(h A, e_c) / τ} against learned code embeddings; a plain linear head is
 * the same model class with the cosine and temperature folded into W (and what BEST-RQ uses).
 *
 * <p>Targets ride in {@link Batch#targets()}: the cluster id at masked positions, {@link Batch#IGNORE} elsewhere
 * (unmasked and padded frames), so only masked real frames carry loss and gradient. Logs {@code masked_acc}:
 * the share of masked frames whose arg-max is their cluster (chance ≈ the largest cluster's share).
 */
public final class MaskedCluster implements Objective {
  public static final String NAME = "masked-cluster";
  public static final String MASKED_ACC = MaskedLm.MASKED_ACC;
  private final Param weight; // [C, k]
  private final Param bias;   // [1, k]
  private final int clusters;
  private final SoftmaxCrossEntropy xent;
  private final Buffers buf;

  public MaskedCluster(ParamStore store, int dModel, int clusters) {
    Preconditions.checkArgument(clusters >= 2, "%s needs >= 2 clusters, got %s", NAME, clusters);
    this.clusters = clusters;
    this.weight = store.declare("cluster_head.W", new long[] {dModel, clusters}, ParamStore.Init.NORMAL, 0.02, true);
    this.bias = store.declare("cluster_head.b", new long[] {1, clusters}, ParamStore.Init.ZEROS, 0, false);
    this.xent = new SoftmaxCrossEntropy(store.dtype(), clusters);
    this.buf = new Buffers(store.dtype());
  }

  /** Predicts one of {@code clusters} ids per masked frame. */
  public static ObjectiveFactory factory(int clusters) {
    return (store, cfg, frontend) -> new MaskedCluster(store, cfg.dModel(), clusters);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public LossResult forward(INDArray hidden, Batch batch) {
    int[] targets = batch.targets();
    Preconditions.checkArgument(targets != null, "%s needs cluster-id targets in the batch", NAME);
    for (int t : targets) {
      Preconditions.checkArgument(t == Batch.IGNORE || t >= 0 && t < clusters, "cluster id %s outside [0, %s)", t,
          clusters);
    }
    INDArray logits = logits(hidden);
    double loss = xent.forward(logits, targets);
    Preconditions.checkArgument(xent.validCount() > 0, "%s: the batch has no masked frame", NAME);
    return new LossResult(loss, xent.validCount(), Map.of(MASKED_ACC, SoftmaxCrossEntropy.accuracy(logits, targets)));
  }

  /** @return logits {@code [n, k]}, a buffer owned by this objective */
  public INDArray logits(INDArray hidden) {
    INDArray logits = buf.get("logits", hidden.size(0), clusters);   // [n, k]
    logits.assign(0.0).addiRowVector(bias.value());
    Blas.gemm(hidden, weight.value(), logits, false, false, 1.0, 1.0);
    return logits;
  }

  @Override
  public INDArray backward(INDArray hidden, Batch batch) {
    INDArray dLogits = xent.backward((int) hidden.size(0));          // [n, k], zero rows at IGNORE
    buf.addColumnSums(dLogits, bias.grad());
    Blas.gemm(hidden, dLogits, weight.grad(), true, false, 1.0, 1.0); // dW += hᵀ dL
    INDArray dHidden = buf.get("dhidden", hidden.size(0), hidden.size(1));
    Blas.gemm(dLogits, weight.value(), dHidden, false, true, 1.0, 0.0); // dh = dL Wᵀ
    return dHidden;
  }

  @Override
  public List<String> scalarNames() {
    return List.of(MASKED_ACC);
  }

  @Override
  public boolean requiresCausal() {
    return false;
  }
}
