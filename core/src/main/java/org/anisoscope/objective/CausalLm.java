package org.anisoscope.objective;

import org.anisoscope.data.Batch;
import org.anisoscope.model.Frontend;
import org.anisoscope.model.ModelConfig;
import org.anisoscope.model.ParamStore;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/**
 * Next-token cross-entropy through an LM head {@code logits = h Wᵀ} (no bias, as GPT-2), W tied to the token
 * embedding when {@code model.tie-embeddings} is on. The batch's targets are the next tokens.
 */
public final class CausalLm implements Objective {
  public static final String NAME = "causal-lm";
  private final TokenHead head;
  private final SoftmaxCrossEntropy xent;

  public CausalLm(ParamStore store, ModelConfig cfg, Frontend frontend) {
    this.head = new TokenHead(store, cfg, frontend, "lm_head", false);
    this.xent = new SoftmaxCrossEntropy(store.dtype(), cfg.vocab());
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
    return head.logits(hidden);
  }

  @Override
  public INDArray backward(INDArray hidden, Batch batch) {
    return head.backward(hidden, xent.backward((int) hidden.size(0)));
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
