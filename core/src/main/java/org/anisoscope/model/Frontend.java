package org.anisoscope.model;

import org.anisoscope.data.Batch;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Raw batch → embeddings {@code [batch·seq, d_model]} (the hook {@code hook_embed}). One per modality: token
 * embedding for text ({@link TokenEmbedding}), a linear projection of float inputs for image patches and audio
 * frames ({@link PatchEmbedding}). A frontend reads only the batch fields of its modality and refuses a batch
 * without them; everything after it (blocks, hooks, probe, objectives) sees only {@code [B·T, C]} rows.
 */
public interface Frontend {
  /** @return hook_embed {@code [B·T, C]}, a buffer owned by the frontend */
  INDArray forward(Batch batch, boolean training);

  /** Accumulates the frontend's parameter gradients from dEmbed {@code [B·T, C]}. */
  void backward(Batch batch, INDArray dEmbed);

  /** hook_embed of the last forward pass of {@code n} positions (the buffer {@link #forward} returned). */
  INDArray output(long n);
}
