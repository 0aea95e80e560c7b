package org.anisoscope.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Pre-LN Transformer block (GPT-2): {@code mid = x + Drop(Attn(LN₁(x)))}, {@code post = mid + Drop(MLP(LN₂(mid)))}.
 * With {@code attention = none} the attention sub-layer is absent (an MLP-only control without token mixing).
 */
public final class Block {
  private final LayerNorm ln1;
  private final SelfAttention attn; // null when attention = none
  private final LayerNorm ln2;
  private final Mlp mlp;
  private final Dropout attnOutDrop;
  private final Dropout mlpOutDrop;
  private final Buffers buf;
  private final int dModel;

  Block(ParamStore store, String name, ModelConfig cfg) {
    double std = 0.02;
    double projStd = 0.02 / Math.sqrt(2.0 * cfg.layers()); // GPT-2: residual projections scaled by 1/√(2L)
    this.dModel = cfg.dModel();
    this.ln1 = new LayerNorm(store, name + ".ln1", cfg.dModel());
    this.attn = cfg.attention() == ModelConfig.Attention.NONE ? null
        : new SelfAttention(store, name + ".attn", cfg.dModel(), cfg.heads(), cfg.causal(), cfg.dropout(), std,
            projStd);
    this.ln2 = new LayerNorm(store, name + ".ln2", cfg.dModel());
    this.mlp = new Mlp(store, name + ".mlp", cfg.dModel(), cfg.dFf(), std, projStd);
    this.attnOutDrop = new Dropout(store, name + ".attn_out_drop", cfg.dropout());
    this.mlpOutDrop = new Dropout(store, name + ".mlp_out_drop", cfg.dropout());
    this.buf = new Buffers(store.dtype());
  }

  /**
   * @param x {@code [B·T, C]} = hook_resid_pre
   * @return hook_resid_post {@code [B·T, C]}, a buffer owned by this block
   */
  INDArray forward(INDArray x, int batch, int seq, boolean training) {
    long n = x.size(0);
    INDArray mid = residMid(n);
    INDArray post = residPost(n);
    mid.assign(x);
    if (attn != null) {
      INDArray a = attn.forward(ln1.forward(x), batch, seq, training);
      mid.addi(attnOutDrop.forward(a, training));
    }
    INDArray m = mlp.forward(ln2.forward(mid));
    post.assign(mid).addi(mlpOutDrop.forward(m, training));
    return post;
  }

  /**
   * @param x the forward input {@code [B·T, C]}
   * @param dPost {@code [B·T, C]}
   * @return dx {@code [B·T, C]}, a buffer owned by this block
   */
  INDArray backward(INDArray x, INDArray dPost, int batch, int seq) {
    long n = x.size(0);
    INDArray dMid = buf.get("dMid", n, dModel);
    INDArray dx = buf.get("dx", n, dModel);
    INDArray tmp = buf.get("dTmp", n, dModel);
    // post = mid + MLP(LN₂(mid))
    tmp.assign(dPost);
    INDArray dm = mlpOutDrop.backward(tmp);
    dMid.assign(dPost).addi(ln2.backward(mlp.backward(ln2.output(n), dm)));
    // mid = x + Attn(LN₁(x))
    dx.assign(dMid);
    if (attn != null) {
      tmp.assign(dMid);
      INDArray da = attnOutDrop.backward(tmp);
      dx.addi(ln1.backward(attn.backward(ln1.output(n), da, batch, seq)));
    }
    return dx;
  }

  INDArray residMid(long n) {
    return buf.get("resid_mid", n, dModel);
  }

  INDArray residPost(long n) {
    return buf.get("resid_post", n, dModel);
  }

  /** The attention sub-layer, or null for the attention-free control. */
  public SelfAttention attention() {
    return attn;
  }
}
