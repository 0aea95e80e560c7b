package org.anisoscope.objective;

import com.google.common.base.Preconditions;
import org.anisoscope.data.Batch;
import org.anisoscope.model.Blas;
import org.anisoscope.model.Buffers;
import org.anisoscope.model.ParamStore;
import org.anisoscope.model.Param;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;
import java.util.Map;

/**
 * Sequence classification (ViT's supervised objective): one class per sequence ({@link Batch#labels}), from the
 * final hidden states pooled by the mean over all T positions or, with a class token, from position 0 (ViT's
 * [CLS]); a linear head {@code logits = e W + b} ({@code W [C, K]}) and softmax cross-entropy averaged over the
 * batch. Logs {@code acc}: the share of sequences whose arg-max class is the label (in {@code eval.csv} the
 * validation accuracy). The model should be bidirectional; a causal one is accepted (mean pooling is defined).
 */
public final class Classification implements Objective {
  public static final String NAME = "classification";
  public static final String ACC = "acc";
  private final Param weight;   // [C, K]
  private final Param bias;     // [1, K]
  private final int classes;
  private final boolean clsPooling;
  private final SoftmaxCrossEntropy xent;
  private final Buffers buf;

  public Classification(ParamStore store, int dModel, int classes, boolean clsPooling) {
    Preconditions.checkArgument(classes >= 2, "classification needs >= 2 classes, got %s", classes);
    this.classes = classes;
    this.clsPooling = clsPooling;
    this.weight = store.declare("cls_head.W", new long[] {dModel, classes}, ParamStore.Init.NORMAL, 0.02, true);
    this.bias = store.declare("cls_head.b", new long[] {1, classes}, ParamStore.Init.ZEROS, 0, false);
    this.xent = new SoftmaxCrossEntropy(store.dtype(), classes);
    this.buf = new Buffers(store.dtype());
  }

  /** {@code classes} classes, pooled from position 0 ({@code clsPooling}) or by the mean over positions. */
  public static ObjectiveFactory factory(int classes, boolean clsPooling) {
    return (store, cfg, frontend) -> new Classification(store, cfg.dModel(), classes, clsPooling);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public LossResult forward(INDArray hidden, Batch batch) {
    int[] labels = batch.labels();
    Preconditions.checkArgument(labels != null, "%s needs batch labels (one class per sequence)", NAME);
    INDArray logits = logits(hidden, batch);
    double loss = xent.forward(logits, labels);
    long[] predicted = logits.argMax(1).toLongVector();
    int correct = 0;
    for (int b = 0; b < labels.length; b++) {
      correct += predicted[b] == labels[b] ? 1 : 0;
    }
    return new LossResult(loss, batch.size(), Map.of(ACC, (double) correct / labels.length));
  }

  /** @return logits {@code [B, K]}, a buffer owned by this objective */
  public INDArray logits(INDArray hidden, Batch batch) {
    INDArray pooled = pool(hidden, batch);                            // [B, C]
    INDArray logits = buf.get("logits", batch.size(), classes);      // [B, K]
    logits.assign(0.0).addiRowVector(bias.value());
    Blas.gemm(pooled, weight.value(), logits, false, false, 1.0, 1.0);
    return logits;
  }

  private INDArray pool(INDArray hidden, Batch batch) {
    long c = hidden.size(1);
    INDArray pooled = buf.get("pooled", batch.size(), c);            // [B, C]
    INDArray h3 = hidden.reshape(batch.size(), batch.seq(), c);       // [B, T, C]
    if (clsPooling) {
      pooled.assign(h3.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all()));
    } else {
      h3.mean(pooled, false, 1);
    }
    return pooled;
  }

  @Override
  public INDArray backward(INDArray hidden, Batch batch) {
    int rows = batch.size();
    int seq = batch.seq();
    long c = hidden.size(1);
    INDArray pooled = buf.get("pooled", rows, c);
    INDArray dLogits = xent.backward(rows);                          // [B, K]
    buf.addColumnSums(dLogits, bias.grad());
    Blas.gemm(pooled, dLogits, weight.grad(), true, false, 1.0, 1.0); // dW += eᵀ dL
    INDArray dPooled = buf.get("dpooled", rows, c);                  // [B, C]
    Blas.gemm(dLogits, weight.value(), dPooled, false, true, 1.0, 0.0);
    INDArray dHidden = buf.get("dhidden", hidden.size(0), c);        // [B·T, C]
    INDArray d3 = dHidden.reshape(rows, seq, c);
    if (clsPooling) {
      dHidden.assign(0.0);
      d3.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all()).assign(dPooled);
    } else {
      dPooled.muli(1.0 / seq);                                       // each position's share of the mean
      for (int t = 0; t < seq; t++) {
        d3.get(NDArrayIndex.all(), NDArrayIndex.point(t), NDArrayIndex.all()).assign(dPooled);
      }
    }
    return dHidden;
  }

  @Override
  public List<String> scalarNames() {
    return List.of(ACC);
  }

  @Override
  public boolean requiresCausal() {
    return false;
  }
}
