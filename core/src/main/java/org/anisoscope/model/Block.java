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
    long n = x.size(0);
    INDArray mid = residMid(n);
    INDArray post = residPost(n);
    long t = Timing.start();
    if (attn != null || mixer != null) {
      INDArray h = ln1.forward(x);
      t = Timing.lap("ln.fwd", t);
      INDArray a = attn != null ? attn.forward(h, batch, seq, training) : mixer.forward(h, batch, seq, training);
      t = Timing.start();
      Kernels.add(x, attnOutDrop.forward(a, training), mid);
    } else {
      mid.assign(x);
    }
    INDArray h2 = ln2.forward(mid);
    t = Timing.lap("ln.fwd", t);
    INDArray m = mlp.forward(h2);
    t = Timing.lap("mlp.fwd", t);
    Kernels.add(mid, mlpOutDrop.forward(m, training), post);
    Timing.lap("residual.fwd", t);
    return post;
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
    INDArray dl2 = ln2.backward(dh2);
    t = Timing.lap("ln.bwd", t);
    Kernels.add(dPost, dl2, dMid);
    // mid = x + Attn(LN₁(x))
    if (attn == null && mixer == null) {
      return dx.assign(dMid);
    }
    INDArray da = attnOutDrop.active() ? attnOutDrop.backward(tmp(n).assign(dMid)) : dMid;
    t = Timing.lap("residual.bwd", t);
    INDArray dh1 = attn != null ? attn.backward(ln1.output(n), da, batch, seq)
        : mixer.backward(ln1.output(n), da, batch, seq);
    t = Timing.start();
    Kernels.add(dMid, ln1.backward(dh1), dx);
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
