package org.anisoscope.model;

import org.anisoscope.data.Batch;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Raw batch → embeddings {@code [batch·seq, d_model]} (the hook {@code hook_embed}). One per modality: token
 * embedding for text, frame encoder for audio, patch projection for images.
 */
public interface Frontend {
  /** @return hook_embed {@code [B·T, C]}, a buffer owned by the frontend */
  INDArray forward(Batch batch, boolean training);

  /** Accumulates the frontend's parameter gradients from dEmbed {@code [B·T, C]}. */
  void backward(Batch batch, INDArray dEmbed);
}
