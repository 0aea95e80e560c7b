package org.anisoscope.model;

import com.google.common.base.Preconditions;
import org.anisoscope.data.Batch;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Token + learned absolute position embeddings (GPT-2), then dropout. The token table {@code wte [V, C]} can be
 * shared with the LM head (weight tying, Press & Wolf 2017).
 */
public final class TokenEmbedding implements Frontend {
  private final Param wte;
  private final Param wpe;
  private final int vocab;
  private final int dModel;
  private final Dropout drop;
  private final Buffers buf;

  public TokenEmbedding(ParamStore store, ModelConfig cfg) {
    Preconditions.checkArgument(cfg.vocab() >= 1, "a token embedding needs a vocabulary, got %s", cfg.vocab());
    this.vocab = cfg.vocab();
    this.dModel = cfg.dModel();
    this.wte = store.declareEmbedding("wte", new long[] {vocab, dModel}, 0.02);
    this.wpe = store.declareEmbedding("wpe", new long[] {cfg.context(), dModel}, 0.02);
    this.drop = new Dropout(store, "emb_drop", cfg.dropout());
    this.buf = new Buffers(store.dtype());
  }

  @Override
  public INDArray forward(Batch batch, boolean training) {
    int n = batch.positions();
    checkTokens(batch.tokens());
    INDArray emb = buf.get("embed", n, dModel);                    // [B·T, C]
    INDArray pos = positions(batch.seq());
    if (Kernels.embedding(wte.value(), pos, emb)) {
      Kernels.embedForward(batch.tokens(), wte.value(), pos, emb, batch.seq(), dModel);
      return drop.forward(emb, training);
    }
    Nd4j.pullRows(wte.value(), emb, 1, batch.tokens());
    INDArray emb3 = emb.reshape(batch.size(), batch.seq(), dModel); // [B, T, C] view
    Nd4j.exec(new BroadcastAddOp(emb3, pos, emb3, 1, 2));
    return drop.forward(emb, training);
  }

  @Override
  public void backward(Batch batch, INDArray dEmbed) {
    int n = batch.positions();
    INDArray d = drop.backward(dEmbed);                            // [B·T, C]
    INDArray dPos = wpe.grad().get(NDArrayIndex.interval(0, batch.seq()), NDArrayIndex.all());
    if (Kernels.embedding(wte.grad(), dPos, d)) {
      Kernels.embedBackward(batch.tokens(), d, wte.grad(), dPos, batch.seq(), dModel);
      return;
    }
    // dwpe[t] += Σ_b d[b, t]
    buf.addColumnSums(d.reshape(batch.size(), (long) batch.seq() * dModel),
        dPos.reshape(1, (long) batch.seq() * dModel));
    // dwte += onehot(tokens)ᵀ d: one GEMM that adds repeated tokens correctly, on any backend.
    INDArray oneHot = oneHot(batch.tokens(), n);                     // [B·T, V]
    Blas.gemm(oneHot, d, wte.grad(), true, false, 1.0, 1.0);
  }

  private INDArray oneHot(int[] tokens, int n) {
    INDArray out = buf.get("onehot", n, vocab);
    Nd4j.exec(new OneHot(Nd4j.createFromArray(tokens), out, vocab));
    return out;
  }

  private INDArray positions(int seq) {
    Preconditions.checkArgument(seq <= wpe.shape()[0], "sequence length %s exceeds the context %s", seq,
        wpe.shape()[0]);
    return wpe.value().get(NDArrayIndex.interval(0, seq), NDArrayIndex.all()); // [T, C]
  }

  private void checkTokens(int[] tokens) {
    Preconditions.checkArgument(tokens != null, "a token embedding needs batch tokens");
    for (int t : tokens) {
      if (t < 0 || t >= vocab) {
        throw new IllegalArgumentException("token id " + t + " outside the vocabulary [0, " + vocab + ")");
      }
    }
  }

  /** hook_embed of the last forward pass of {@code n} positions (dropout off: the probe's view). */
  @Override
  public INDArray output(long n) {
    return buf.get("embed", n, dModel);
  }

  /** The token table {@code [V, C]}, for weight tying. */
  public Param tokenTable() {
    return wte;
  }

}
