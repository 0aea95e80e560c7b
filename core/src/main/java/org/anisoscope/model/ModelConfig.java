package org.anisoscope.model;

import com.google.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The shape of a Transformer (nanoGPT's GPTConfig). {@code vocab} is the frontend's input size (0 for
 * frontends that are not token embeddings). {@code qkNorm} and {@code attentionTemperature} are the interventions on
 * softmax attention (ARCHITECTURE.md, "Interventions"); the 11-argument constructor leaves them off.
 */
public record ModelConfig(int vocab, int layers, int heads, int dModel, int dFf, int context, double dropout,
    boolean causal, Attention attention, boolean tieEmbeddings, DataType dtype, boolean qkNorm,
    double attentionTemperature) {

  /**
   * What mixes tokens inside a block. Each states the hooks it provides inside a block besides the residual
   * stream ones every block has (names relative to {@code blocks.L.}); the probe accepts only those.
   */
  public enum Attention {
    /** Scaled dot-product softmax attention. */
    SOFTMAX(java.util.List.of("attn.hook_q", "attn.hook_k", "attn.hook_pattern")),
    /** No token mixing: the attention sub-layer is removed (control). */
    NONE(java.util.List.of()),
    /**
     * An attention-free learned token-mixing layer ({@link TokenMixer}): no softmax, no query or key, so no hooks
     * of its own.
     */
    MIXER(java.util.List.of());

    private final java.util.List<String> hooks;

    Attention(java.util.List<String> hooks) {
      this.hooks = hooks;
    }

    /** The mixer's own hooks, relative to {@code blocks.L.}, in forward order. */
    public java.util.List<String> hooks() {
      return hooks;
    }

    /** Whether this sub-layer has queries, keys and a pattern (the {@code attn.hook_q/k/pattern} hooks). */
    public boolean hasQueryKey() {
      return this == SOFTMAX;
    }
  }

  /** Without the interventions: no qk-norm, temperature 1. */
  public ModelConfig(int vocab, int layers, int heads, int dModel, int dFf, int context, double dropout,
      boolean causal, Attention attention, boolean tieEmbeddings, DataType dtype) {
    this(vocab, layers, heads, dModel, dFf, context, dropout, causal, attention, tieEmbeddings, dtype, false, 1.0);
  }

  public ModelConfig {
    Preconditions.checkArgument(layers >= 1, "layers must be >= 1, got %s", layers);
    Preconditions.checkArgument(heads >= 1 && dModel % heads == 0,
        "d-model %s must be a positive multiple of heads %s", dModel, heads);
    Preconditions.checkArgument(dFf >= 1, "d-ff must be >= 1, got %s", dFf);
    Preconditions.checkArgument(context >= 1, "context must be >= 1, got %s", context);
    Preconditions.checkArgument(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got %s", dropout);
    Preconditions.checkArgument(attentionTemperature > 0 && Double.isFinite(attentionTemperature),
        "attention temperature must be finite and > 0, got %s", attentionTemperature);
  }

  /** The tiny preset used by tests: 2 layers, 2 heads, d_model 8, d_ff 16. */
  public static ModelConfig tiny(int vocab, int context, boolean causal, DataType dtype) {
    return new ModelConfig(vocab, 2, 2, 8, 16, context, 0.0, causal, Attention.SOFTMAX, true, dtype);
  }

  public ModelConfig withDropout(double p) {
    return new ModelConfig(vocab, layers, heads, dModel, dFf, context, p, causal, attention, tieEmbeddings, dtype,
        qkNorm, attentionTemperature);
  }

  public ModelConfig withAttention(Attention kind) {
    return new ModelConfig(vocab, layers, heads, dModel, dFf, context, dropout, causal, kind, tieEmbeddings, dtype,
        qkNorm, attentionTemperature);
  }

  /** The same model with queries and keys normalised ({@code qkNorm}) and the logits times {@code temperature}. */
  public ModelConfig withInterventions(boolean qkNormOn, double temperature) {
    return new ModelConfig(vocab, layers, heads, dModel, dFf, context, dropout, causal, attention, tieEmbeddings, dtype,
        qkNormOn, temperature);
  }
}
