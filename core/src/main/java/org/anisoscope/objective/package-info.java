/**
 * Training objectives (fairseq's criteria): each owns its head(s), computes its loss and the scalars it wants
 * logged, and returns dHidden to the model. Registered by name in {@link org.anisoscope.objective.Objectives};
 * {@code objective.type} picks one. {@code causal-lm}: next-token cross-entropy through an LM head tied to the
 * token embedding (or its own matrix).
 */
package org.anisoscope.objective;
