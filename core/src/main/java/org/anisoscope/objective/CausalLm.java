package org.anisoscope.objective;

import org.anisoscope.data.Batch;
import org.anisoscope.model.Buffers;
import org.anisoscope.model.Frontend;
import org.anisoscope.model.ModelConfig;
import org.anisoscope.model.Param;
import org.anisoscope.model.ParamStore;
import org.anisoscope.model.TokenEmbedding;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

/**
 * Next-token cross-entropy through an LM head {@code logits = h Wᵀ} (no bias, as GPT-2), W tied to the token
 * embedding when {@code model.tie-embeddings} is on. The batch's targets are the next tokens.
 */
public final class CausalLm implements Objective {
  public static final String NAME = "causal-lm";
  private final Param head;        // [V, C] (tied wte) or [C, V] (own matrix)
  private final boolean transposed;
  private final int vocab;
  private final SoftmaxCrossEntropy xent;
  private final Buffers buf;

  public CausalLm(ParamStore store, ModelConfig cfg, Frontend frontend) {
    this.vocab = cfg.vocab();
    if (cfg.tieEmbeddings() && frontend instanceof TokenEmbedding te) {
      this.head = te.tokenTable();
      this.transposed = true;
    } else {
      this.head = store.declare("lm_head.W", new long[] {cfg.dModel(), vocab}, ParamStore.Init.NORMAL, 0.02, true);
      this.transposed = false;
    }
    this.xent = new SoftmaxCrossEntropy(store.dtype(), vocab);
    this.buf = new Buffers(store.dtype());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public LossResult forward(INDArray hidden, Batch batch) {
    INDArray logits = logits(hidden);
    double loss = xent.forward(logits, batch.targets());
    return new LossResult(loss, xent.validCount(), Map.of());
  }

  /** @return logits {@code [n, V]} of the hidden states, a buffer owned by this objective */
  public INDArray logits(INDArray hidden) {
    long n = hidden.size(0);
    INDArray logits = buf.get("logits", n, vocab);  // [n, V]
    Nd4j.gemm(hidden, head.value(), logits, false, transposed, 1.0, 0.0);
    return logits;
  }

  @Override
  public INDArray backward(INDArray hidden, Batch batch) {
    long n = hidden.size(0);
    INDArray dLogits = xent.backward((int) n);     // [n, V]
    INDArray dHidden = buf.get("dhidden", n, hidden.size(1));
    if (transposed) {
      Nd4j.gemm(dLogits, hidden, head.grad(), true, false, 1.0, 1.0);  // dW [V, C] += dLᵀ h
      Nd4j.gemm(dLogits, head.value(), dHidden, false, false, 1.0, 0.0); // dh = dL W
    } else {
      Nd4j.gemm(hidden, dLogits, head.grad(), true, false, 1.0, 1.0);  // dW [C, V] += hᵀ dL
      Nd4j.gemm(dLogits, head.value(), dHidden, false, true, 1.0, 0.0);  // dh = dL Wᵀ
    }
    return dHidden;
  }

  @Override
  public List<String> scalarNames() {
    return List.of();
  }

  @Override
  public boolean requiresCausal() {
    return true;
  }
}
