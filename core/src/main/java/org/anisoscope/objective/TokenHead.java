package org.anisoscope.objective;

import org.anisoscope.model.Blas;
import org.anisoscope.model.Buffers;
import org.anisoscope.model.Frontend;
import org.anisoscope.model.ModelConfig;
import org.anisoscope.model.Param;
import org.anisoscope.model.ParamStore;
import org.anisoscope.model.TokenEmbedding;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The output projection of the token objectives, {@code logits = h Wᵀ (+ b)}: W tied to the token embedding
 * {@code wte [V, C]} when {@code model.tie-embeddings} is on (Press & Wolf 2017), else its own
 * {@code <prefix>.W [C, V]}; an optional bias {@code <prefix>.b [1, V]}.
 */
final class TokenHead {
  private final Param weight;      // [V, C] (tied wte) or [C, V] (own matrix)
  private final Param bias;        // [1, V] or null
  private final boolean transposed;
  private final int vocab;
  private final Buffers buf;

  TokenHead(ParamStore store, ModelConfig cfg, Frontend frontend, String prefix, boolean withBias) {
    this.vocab = cfg.vocab();
    if (cfg.tieEmbeddings() && frontend instanceof TokenEmbedding te) {
      this.weight = te.tokenTable();
      this.transposed = true;
    } else {
      this.weight = store.declare(prefix + ".W", new long[] {cfg.dModel(), vocab}, ParamStore.Init.NORMAL, 0.02,
          true);
      this.transposed = false;
    }
    this.bias = withBias ? store.declare(prefix + ".b", new long[] {1, vocab}, ParamStore.Init.ZEROS, 0, false)
        : null;
    this.buf = new Buffers(store.dtype());
  }

  /** @return logits {@code [n, V]}, a buffer owned by this head */
  INDArray logits(INDArray hidden) {
    INDArray logits = buf.get("logits", hidden.size(0), vocab);   // [n, V]
    Blas.gemm(hidden, weight.value(), logits, false, transposed, 1.0, 0.0);
    if (bias != null) {
      logits.addiRowVector(bias.value());
    }
    return logits;
  }

  /** Accumulates dW (and db) from {@code dLogits [n, V]}; returns dHidden {@code [n, C]}. */
  INDArray backward(INDArray hidden, INDArray dLogits) {
    INDArray dHidden = buf.get("dhidden", hidden.size(0), hidden.size(1));
    if (bias != null) {
      buf.addColumnSums(dLogits, bias.grad());                        // db += Σ_rows dL   [1, V]
    }
    // dW and dh are independent: one per thread (Blas.gemmPair), as in the linear layers' backward pass
    if (transposed) {
      Blas.gemmPair(dLogits, hidden, weight.grad(), true, false, 1.0,    // dW [V, C] += dLᵀ h
          dLogits, weight.value(), dHidden, false, false);              // dh = dL W
    } else {
      Blas.gemmPair(hidden, dLogits, weight.grad(), true, false, 1.0,    // dW [C, V] += hᵀ dL
          dLogits, weight.value(), dHidden, false, true);               // dh = dL Wᵀ
    }
    return dHidden;
  }
}
