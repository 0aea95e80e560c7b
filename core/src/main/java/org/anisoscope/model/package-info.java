/**
 * The Transformer, written layer by layer over ND4J arrays with explicit forward and backward passes (as llm.c
 * does in C), so every activation the probe reads is a named buffer and no autodiff session sits in between.
 *
 * <p>Pieces, small first: {@link org.anisoscope.model.Linear}, {@link org.anisoscope.model.LayerNorm},
 * {@link org.anisoscope.model.SelfAttention} (causal or bidirectional), {@link org.anisoscope.model.Mlp} (exact
 * GELU), {@link org.anisoscope.model.Block} (pre-LN), {@link org.anisoscope.model.Transformer} (blocks + final
 * LayerNorm), the {@link org.anisoscope.model.Frontend} seam with {@link org.anisoscope.model.TokenEmbedding},
 * and {@link org.anisoscope.model.Model} (frontend → transformer; the objective is combined with it in
 * {@code org.anisoscope.train.Network}, the model never imports it). Hook names are in
 * {@link org.anisoscope.model.Hooks}.
 *
 * <p>Memory: parameters and gradients are views into one flat buffer each ({@link
 * org.anisoscope.model.ParamStore}); every layer allocates its activation buffers once per batch shape
 * ({@code Buffers}) and reuses them, so a training step allocates almost nothing, and the probe (another batch
 * shape) never overwrites the training step's buffers. Backward passes accumulate into the gradient views (so
 * weight tying just works) and each is pinned by a finite-difference check in double precision
 * ({@code LayerGradientTest}, {@code ModelGradientTest}).
 *
 * <p>Layout choices: activations are c-order {@code [B·T, C]}; a Linear weight is {@code W [in, out]} so the
 * forward GEMM is {@code x W}; the fused q/k/v projection's columns are {@code [3, heads, d_head]} (nanoGPT's
 * layout), split into {@code [B, H, T, d_head]} buffers by one strided copy each.
 */
package org.anisoscope.model;
