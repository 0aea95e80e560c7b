package org.anisoscope.objective;

import com.google.common.base.Preconditions;
import org.anisoscope.data.Batch;
import org.anisoscope.data.Masking;
import org.anisoscope.model.Frontend;
import org.anisoscope.model.ModelConfig;
import org.anisoscope.model.ParamStore;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/**
 * BERT's masked-token prediction (Devlin et al. 2019): cross-entropy at the masked positions only, through an
 * output projection {@code logits = h W + b} with W tied to the token embedding when
 * {@code model.tie-embeddings} is on (as BERT), plus BERT's output bias {@code b [1, V]}.
 *
 * <p>Unlike BERT's {@code cls/predictions} head there is no transform (Linear → GELU → LayerNorm) before the
 * projection: the model's {@code Linear}/{@code LayerNorm} cannot be built outside {@code org.anisoscope.model}.
 * The input is already {@code ln_final}'s output, so the head is GPT-2's plus a bias.
 *
 * <p>Batches come from {@link Masking}: inputs with masked ids, targets the original token at the chosen
 * positions and {@link Batch#IGNORE} elsewhere. The model must be bidirectional ({@code model.causal = false}):
 * the constructor refuses a causal config. Logits are computed at every position (as Hugging Face's
 * {@code BertForMaskedLM}), so one step costs the same as {@link CausalLm}'s; only the masked positions carry
 * loss and gradient.
 *
 * <p>Logs {@code masked_acc}: the share of masked positions whose arg-max prediction is the original token
 * (NaN for a batch without masked positions, which {@link Masking} never produces).
 */
public final class MaskedLm implements Objective {
  public static final String NAME = "masked-lm";
  public static final String MASKED_ACC = "masked_acc";
  private final TokenHead head;
  private final SoftmaxCrossEntropy xent;

  public MaskedLm(ParamStore store, ModelConfig cfg, Frontend frontend) {
    Preconditions.checkArgument(!cfg.causal(),
        "objective %s needs a bidirectional model (model.causal = false), got model.causal = true", NAME);
    this.head = new TokenHead(store, cfg, frontend, "mlm_head", true);
    this.xent = new SoftmaxCrossEntropy(store.dtype(), cfg.vocab());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public LossResult forward(INDArray hidden, Batch batch) {
    int[] targets = batch.targets();
    Preconditions.checkArgument(targets != null, "%s needs targets (from Masking)", NAME);
    INDArray logits = logits(hidden);
    double loss = xent.forward(logits, targets);
    return new LossResult(loss, xent.validCount(), Map.of(MASKED_ACC, SoftmaxCrossEntropy.accuracy(logits, targets)));
  }

  /** @return logits {@code [n, V]} of the hidden states, a buffer owned by this objective */
  public INDArray logits(INDArray hidden) {
    return head.logits(hidden);
  }

  @Override
  public INDArray backward(INDArray hidden, Batch batch) {
    return head.backward(hidden, xent.backward((int) hidden.size(0)));  // zero rows at IGNORE targets
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
