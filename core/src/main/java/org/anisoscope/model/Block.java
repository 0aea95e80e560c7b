package org.anisoscope.model;

import org.anisoscope.util.Timing;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Pre-LN Transformer block (GPT-2): {@code mid = x + Drop(Attn(LN₁(x)))}, {@code post = mid + Drop(MLP(LN₂(mid)))}.
 * With {@code attention = none} the attention sub-layer is absent (an MLP-only control without token mixing); with
 * {@code attention = mixer} a {@link TokenMixer} (no query, key or softmax) takes its place. The hooks a block
 * provides are {@link ModelConfig.Attention#hooks()} plus the residual ones.
 */
public final class Block {
  private final LayerNorm ln1;
  private final SelfAttention attn; // null unless attention = softmax
  private final TokenMixer mixer;   // null unless attention = mixer
  private final LayerNorm ln2;
  private final Mlp mlp;
  private final Dropout attnOutDrop;
  private final Dropout mlpOutDrop;
  private final Buffers buf;
  private final Buffers scratch; // backward-only arrays, shared with every other block (ParamStore.scratch)
  private final String dxKey;    // this block's dx: blocks of alternate parity, as block l's dx is block l−1's input
  private final int dModel;

  Block(ParamStore store, String name, ModelConfig cfg) {
    double std = 0.02;
    double projStd = 0.02 / Math.sqrt(2.0 * cfg.layers()); // GPT-2: residual projections scaled by 1/√(2L)
    this.dModel = cfg.dModel();
    this.ln1 = new LayerNorm(store, name + ".ln1", cfg.dModel());
    this.attn = cfg.attention() != ModelConfig.Attention.SOFTMAX ? null
        : new SelfAttention(store, name + ".attn", cfg.dModel(), cfg.heads(), cfg.causal(), cfg.dropout(), std,
            projStd, cfg.qkNorm(), cfg.attentionTemperature());
    this.mixer = cfg.attention() != ModelConfig.Attention.MIXER ? null
        : new TokenMixer(store, name + ".mixer", cfg.dModel(), cfg.heads(), cfg.context(), cfg.causal(), std,
            projStd);
    this.ln2 = new LayerNorm(store, name + ".ln2", cfg.dModel());
    this.mlp = new Mlp(store, name + ".mlp", cfg.dModel(), cfg.dFf(), std, projStd);
    this.attnOutDrop = new Dropout(store, name + ".attn_out_drop", cfg.dropout());
    this.mlpOutDrop = new Dropout(store, name + ".mlp_out_drop", cfg.dropout());
    this.buf = new Buffers(store.dtype());
    this.scratch = store.scratch();
    java.util.regex.Matcher index = java.util.regex.Pattern.compile("blocks\\.(\\d+)").matcher(name);
    this.dxKey = index.matches() ? "block.dx" + Integer.parseInt(index.group(1)) % 2 : name + ".dx";
  }

  /**
   * @param x {@code [B·T, C]} = hook_resid_pre
   * @return hook_resid_post {@code [B·T, C]}, a buffer owned by this block
   */
  INDArray forward(INDArray x, int batch, int seq, boolean training) {
    return forward(x, batch, seq, training, false, null);
  }

  /**
   * As {@link #forward(INDArray, int, int, boolean)}; the residual adds are fused into the layer norms that read
   * their sums ({@link LayerNorm#forward(INDArray, INDArray, INDArray)}).
   *
   * @param normalised whether {@link #firstNorm()} has already normalised x (the block below passed it as its
   *     {@code next})
   * @param next the layer norm that reads hook_resid_post next (the block above's {@link #firstNorm()}, or the final
   *     one), which then runs here, fused into the last residual add; null: none
   */
  INDArray forward(INDArray x, int batch, int seq, boolean training, boolean normalised, LayerNorm next) {
    long n = x.size(0);
    INDArray mid = residMid(n);
    INDArray post = residPost(n);
    long t = Timing.start();
    INDArray h2;
    if (attn != null || mixer != null) {
      INDArray h = normalised ? ln1.output(n) : ln1.forward(x);
      t = Timing.lap("ln.fwd", t);
      INDArray a = attn != null ? attn.forward(h, batch, seq, training) : mixer.forward(h, batch, seq, training);
      t = Timing.start();
      h2 = ln2.forward(x, attnOutDrop.forward(a, training), mid); // mid = x + Drop(Attn(…)), LN₂(mid)
    } else {
      mid.assign(x);
      h2 = ln2.forward(mid);
    }
    t = Timing.lap("ln.fwd", t);
    INDArray m = mlp.forward(h2);
    t = Timing.lap("mlp.fwd", t);
    if (next != null) {
      next.forward(mid, mlpOutDrop.forward(m, training), post); // post = mid + Drop(MLP(…)), and next's LN of it
    } else {
      Kernels.add(mid, mlpOutDrop.forward(m, training), post);
    }
    Timing.lap("residual.fwd", t);
    return post;
  }

  /** The layer norm that reads this block's input (null when the block has no attention sub-layer to feed). */
  LayerNorm firstNorm() {
    return attn != null || mixer != null ? ln1 : null;
  }

  /**
   * @param x the forward input {@code [B·T, C]}
   * @param dPost {@code [B·T, C]}
   * @return dx {@code [B·T, C]}, a buffer owned by this block
   */
  INDArray backward(INDArray x, INDArray dPost, int batch, int seq) {
    long n = x.size(0);
    INDArray dMid = scratch.get("block.dMid", n, dModel);
    INDArray dx = scratch.get(dxKey, n, dModel);
    // post = mid + MLP(LN₂(mid))
    long t = Timing.start();
    // (the sub-layers' backward passes only read their upstream gradient: dropout, which masks in place, gets a copy)
    INDArray dm = mlpOutDrop.active() ? mlpOutDrop.backward(tmp(n).assign(dPost)) : dPost;
    INDArray dh2 = mlp.backward(ln2.output(n), dm);
    t = Timing.lap("mlp.bwd", t);
    ln2.backward(dh2, dPost, dMid); // dMid = dPost + LN₂'s dx, one pass
    t = Timing.lap("ln.bwd", t);
    // mid = x + Attn(LN₁(x))
    if (attn == null && mixer == null) {
      return dx.assign(dMid);
    }
    INDArray da = attnOutDrop.active() ? attnOutDrop.backward(tmp(n).assign(dMid)) : dMid;
    t = Timing.lap("residual.bwd", t);
    INDArray dh1 = attn != null ? attn.backward(ln1.output(n), da, batch, seq)
        : mixer.backward(ln1.output(n), da, batch, seq);
    t = Timing.start();
    ln1.backward(dh1, dMid, dx); // dx = dMid + LN₁'s dx
    Timing.lap("ln.bwd", t);
    return dx;
  }

  /** The dropout masks' copy of an upstream gradient (only with dropout). */
  private INDArray tmp(long n) {
    return scratch.get("block.dTmp", n, dModel);
  }

  INDArray residMid(long n) {
    return buf.get("resid_mid", n, dModel);
  }

  INDArray residPost(long n) {
    return buf.get("resid_post", n, dModel);
  }

  /** The attention sub-layer, or null for the attention-free controls ({@code none}, {@code mixer}). */
  public SelfAttention attention() {
    return attn;
  }
}
