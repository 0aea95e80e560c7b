package org.anisoscope.config;

import org.anisoscope.model.ModelConfig;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.Set;

/** {@code anisoscope.model.*}; the vocabulary comes from the data, so {@link #toConfig} takes it. */
public record ModelSettings(int layers, int heads, int dModel, int dFf, int context, double dropout, boolean causal,
    ModelConfig.Attention attention, boolean tieEmbeddings, DataType dtype, boolean qkNorm,
    double attentionTemperature) {

  static ModelSettings read(Keys k) {
    int layers = k.intIn("anisoscope.model.layers", 1, 128);
    int heads = k.intIn("anisoscope.model.heads", 1, 256);
    int dModel = k.intIn("anisoscope.model.d-model", 1, 16384);
    if (dModel % heads != 0) {
      throw k.invalid("anisoscope.model.d-model", "a multiple of model.heads = " + heads);
    }
    int dFf = k.intIn("anisoscope.model.d-ff", 0, 65536);
    int context = k.intIn("anisoscope.model.context", 1, 65536);
    double dropout = k.doubleIn("anisoscope.model.dropout", 0.0, 0.95);
    boolean causal = k.bool("anisoscope.model.causal");
    String att = k.oneOf("anisoscope.model.attention", Set.of("softmax", "none", "mixer"));
    boolean tie = k.bool("anisoscope.model.tie-embeddings");
    String dt = k.oneOf("anisoscope.model.dtype", Set.of("float32", "float64"));
    boolean qkNorm = k.bool("anisoscope.model.qk-norm");
    double temperature = k.doubleIn("anisoscope.model.attention-temperature", 1e-3, 1e3);
    ModelConfig.Attention kind = ModelConfig.Attention.valueOf(att.toUpperCase(java.util.Locale.ROOT));
    if (kind != ModelConfig.Attention.SOFTMAX && (qkNorm || temperature != 1.0)) {
      throw k.invalid(qkNorm ? "anisoscope.model.qk-norm" : "anisoscope.model.attention-temperature",
          "its default (qk-norm = false, attention-temperature = 1): model.attention = " + att
              + " has no queries, keys or logits");
    }
    return new ModelSettings(layers, heads, dModel, dFf == 0 ? 4 * dModel : dFf, context, dropout, causal,
        kind, tie, dt.equals("float64") ? DataType.DOUBLE : DataType.FLOAT, qkNorm, temperature);
  }

  public ModelConfig toConfig(int vocab) {
    return new ModelConfig(vocab, layers, heads, dModel, dFf, context, dropout, causal, attention, tieEmbeddings,
        dtype, qkNorm, attentionTemperature);
  }
}
