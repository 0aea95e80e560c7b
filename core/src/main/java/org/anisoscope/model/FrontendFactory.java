package org.anisoscope.model;

/**
 * Makes a model's frontend, declaring its parameters in the model's store (before allocation). One per modality:
 * {@code TokenEmbedding::new} for tokens, {@code PatchEmbedding} for float inputs (image patches, audio
 * frames).
 */
@FunctionalInterface
public interface FrontendFactory {
  Frontend create(ParamStore store, ModelConfig config);
}
