/**
 * The training loop ({@link org.anisoscope.train.Trainer}): AdamW with decoupled weight decay on every matrix
 * (nanoGPT's groups: embeddings included unless train.decay-embeddings = false),
 * nanoGPT's warm-up + cosine schedule, global-norm clipping, periodic validation, probes, atomic checkpoints and
 * exact resume (every random draw is a function of the run seed and the step), a NaN/Inf guard, and the
 * autoregressive {@link org.anisoscope.train.Sampler}.
 */
package org.anisoscope.train;
