package org.anisoscope.device;

import com.google.common.base.Preconditions;

/**
 * What the device-resident model is: a GPT-2-style pre-LN Transformer over tokens with softmax attention, and a
 * token head. {@code headName} is the objective's parameter prefix ({@code lm_head} for causal-lm, {@code mlm_head}
 * for masked-lm); {@code headBias} adds masked-lm's output bias. {@code temperature} multiplies every attention
 * logit (the logits are scaled by {@code temperature/√d_head}). The parameter names are those of the ND4J model,
 * so {@link DeviceModel} and {@code ParamStore} can be copied into each other by name.
 */
public record DeviceShape(int vocab, int layers, int heads, int dModel, int dFf, int context, double dropout,
    boolean causal, boolean tieEmbeddings, String headName, boolean headBias, double temperature) {

  public DeviceShape {
    Preconditions.checkArgument(vocab >= 1, "vocab must be >= 1, got %s", vocab);
    Preconditions.checkArgument(layers >= 1, "layers must be >= 1, got %s", layers);
    Preconditions.checkArgument(heads >= 1 && dModel % heads == 0, "d-model %s must be a multiple of heads %s",
        dModel, heads);
    Preconditions.checkArgument(dFf >= 1 && context >= 1, "d-ff %s and context %s must be >= 1", dFf, context);
    Preconditions.checkArgument(dropout >= 0 && dropout < 1, "dropout %s outside [0, 1)", dropout);
    Preconditions.checkArgument(temperature > 0 && Double.isFinite(temperature), "temperature %s must be > 0",
        temperature);
  }

  public int dHead() {
    return dModel / heads;
  }

  /** The factor on q·kᵀ: temperature/√d_head (as {@code SelfAttention} without qk-norm). */
  public float logitScale() {
    return (float) (temperature / Math.sqrt(dHead()));
  }

  /** Every parameter, the position table included (the count the ND4J model's store holds). */
  public long parameterCount() {
    long c = dModel;
    long perBlock = 4 * c + (c * 3 * c + 3 * c) + (c * c + c) + (c * dFf + dFf) + ((long) dFf * c + c);
    long head = (tieEmbeddings ? 0 : c * vocab) + (headBias ? vocab : 0);
    return (long) vocab * c + (long) context * c + layers * perBlock + 2 * c + head;
  }

  /**
   * Model FLOPs per token of one training step (forward + backward), PaLM's / nanoGPT's estimate
   * {@code 6·N + 12·L·d·T} with N the parameters without the position table (attention's products counted at full
   * T × T, as nanoGPT does also for causal models).
   */
  public double flopsPerToken(int seq) {
    double n = parameterCount() - (double) context * dModel;
    return 6 * n + 12.0 * layers * dModel * seq;
  }
}
