package org.anisoscope.model;

import com.google.common.base.Preconditions;
import org.anisoscope.data.Batch;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The frontend of float inputs (ViT's patch embedding; an audio frame encoder is the same layer over frames):
 * each position's input row {@code x [F]} (a flattened image patch, a log-mel frame) is projected by a learned
 * {@code W [F, C]} and bias, then a learned absolute position row is added (ViT, Dosovitskiy et al. 2021), then
 * dropout. Two kinds of positions do not use their input:
 * <ul>
 *   <li>masked positions ({@link Batch#masked}): the projection is replaced by one learned vector
 *   {@code mask_emb [1, C]} (BERT's [MASK], wav2vec 2.0's and SimMIM's mask embedding) before the position row is
 *   added, so the model knows where an input was hidden but not what it was;</li>
 *   <li>with {@code cls}, position 0 of every sequence is ViT's class token: a learned {@code cls [1, C]} (plus
 *   position row 0); the data source leaves that input row empty.</li>
 * </ul>
 * Replacement is written as {@code e = keep ⊙ (xW + b) + isMask · mask_embᵀ + isCls · clsᵀ} with {@code [n, 1]}
 * indicator columns, so forward and backward are GEMMs and broadcasts on any backend and dtype.
 */
public final class PatchEmbedding implements Frontend {
  private final Param weight;   // [F, C]
  private final Param bias;     // [1, C]
  private final Param pos;      // [context, C]
  private final Param maskEmb;  // [1, C]
  private final Param clsEmb;   // [1, C] or null
  private final int features;
  private final int dModel;
  private final Dropout drop;
  private final Buffers buf;

  public PatchEmbedding(ParamStore store, ModelConfig cfg, int features, boolean cls) {
    Preconditions.checkArgument(features >= 1, "input rows need >= 1 feature, got %s", features);
    this.features = features;
    this.dModel = cfg.dModel();
    this.weight = store.declare("patch.W", new long[] {features, dModel}, ParamStore.Init.NORMAL,
        1.0 / Math.sqrt(features), true);
    this.bias = store.declare("patch.b", new long[] {1, dModel}, ParamStore.Init.ZEROS, 0, false);
    this.pos = store.declareEmbedding("patch.pos", new long[] {cfg.context(), dModel}, 0.02);
    this.maskEmb = store.declare("patch.mask_emb", new long[] {1, dModel}, ParamStore.Init.NORMAL, 0.02, false);
    this.clsEmb = cls ? store.declare("patch.cls", new long[] {1, dModel}, ParamStore.Init.NORMAL, 0.02, false)
        : null;
    this.drop = new Dropout(store, "patch_drop", cfg.dropout());
    this.buf = new Buffers(store.dtype());
  }

  /** The factory for rows of {@code features} floats, with or without a class token at position 0. */
  public static FrontendFactory factory(int features, boolean cls) {
    return (store, cfg) -> new PatchEmbedding(store, cfg, features, cls);
  }

  @Override
  public INDArray forward(Batch batch, boolean training) {
    int n = batch.positions();
    int seq = batch.seq();
    Preconditions.checkArgument(batch.inputs() != null, "the patch embedding needs batch inputs (float rows)");
    Preconditions.checkArgument(batch.inputs().width() == features, "input rows have %s features, the patch "
        + "embedding was built for %s", batch.inputs().width(), features);
    Preconditions.checkArgument(seq <= pos.shape()[0], "sequence length %s exceeds the context %s", seq,
        pos.shape()[0]);
    INDArray x = input(batch);                                       // [n, F]
    indicators(batch);
    INDArray emb = buf.get("embed", n, dModel);                      // [n, C]
    emb.assign(0.0).addiRowVector(bias.value());
    Blas.gemm(x, weight.value(), emb, false, false, 1.0, 1.0);       // xW + b
    emb.muliColumnVector(buf.get("keep", n, 1));
    Blas.gemm(buf.get("is_mask", n, 1), maskEmb.value(), emb, false, false, 1.0, 1.0);
    if (clsEmb != null) {
      Blas.gemm(buf.get("is_cls", n, 1), clsEmb.value(), emb, false, false, 1.0, 1.0);
    }
    INDArray emb3 = emb.reshape(batch.size(), seq, dModel);          // [B, T, C] view
    INDArray p = pos.value().get(NDArrayIndex.interval(0, seq), NDArrayIndex.all()); // [T, C]
    Nd4j.exec(new BroadcastAddOp(emb3, p, emb3, 1, 2));
    return drop.forward(emb, training);
  }

  @Override
  public void backward(Batch batch, INDArray dEmbed) {
    int n = batch.positions();
    int seq = batch.seq();
    INDArray d = drop.backward(dEmbed);                              // [n, C]
    INDArray dPos = pos.grad().get(NDArrayIndex.interval(0, seq), NDArrayIndex.all());
    buf.addColumnSums(d.reshape(batch.size(), (long) seq * dModel), dPos.reshape(1, (long) seq * dModel));
    Blas.gemm(buf.get("is_mask", n, 1), d, maskEmb.grad(), true, false, 1.0, 1.0);   // Σ masked rows
    if (clsEmb != null) {
      Blas.gemm(buf.get("is_cls", n, 1), d, clsEmb.grad(), true, false, 1.0, 1.0);  // Σ class-token rows
    }
    INDArray dProj = buf.get("dproj", n, dModel).assign(d).muliColumnVector(buf.get("keep", n, 1));
    buf.addColumnSums(dProj, bias.grad());
    Blas.gemm(buf.get("x", n, features), dProj, weight.grad(), true, false, 1.0, 1.0); // dW += xᵀ dProj
  }

  @Override
  public INDArray output(long n) {
    return buf.get("embed", n, dModel);
  }

  private INDArray input(Batch batch) {
    int n = batch.positions();
    INDArray x = buf.get("x", n, features);
    float[] v = batch.inputs().values();
    x.assign(Nd4j.createFromArray(v).reshape(n, features).castTo(x.dataType()));
    return x;
  }

  /** Fills the {@code [n, 1]} columns keep, is_mask and is_cls of this batch. */
  private void indicators(Batch batch) {
    int n = batch.positions();
    int seq = batch.seq();
    boolean[] masked = batch.masked();
    double[] keep = new double[n];
    double[] isMask = new double[n];
    double[] isCls = new double[n];
    for (int i = 0; i < n; i++) {
      boolean cls = clsEmb != null && i % seq == 0;
      boolean m = !cls && masked != null && masked[i];
      isCls[i] = cls ? 1 : 0;
      isMask[i] = m ? 1 : 0;
      keep[i] = cls || m ? 0 : 1;
    }
    buf.get("keep", n, 1).assign(Nd4j.create(keep, new long[] {n, 1}, DataType.DOUBLE));
    buf.get("is_mask", n, 1).assign(Nd4j.create(isMask, new long[] {n, 1}, DataType.DOUBLE));
    buf.get("is_cls", n, 1).assign(Nd4j.create(isCls, new long[] {n, 1}, DataType.DOUBLE));
  }

  /** Whether position 0 of each sequence is the class token. */
  public boolean hasClassToken() {
    return clsEmb != null;
  }
}
