package org.anisoscope.device;

import java.util.ArrayList;
import java.util.List;

/**
 * The activation and gradient buffers of {@link DeviceModel} for one batch shape {@code [B, T]} (training,
 * evaluation and the probe each have their own, so none overwrites another's hooks). Dropout buffers exist only
 * when the model has dropout. {@code n = B·T} rows throughout.
 */
final class Activations {
  final int batch;
  final int seq;
  final int n;
  final Device.Buf embed;      // [n, C] hook_embed
  final Device.Buf embedDrop;  // [n, C] after dropout (null without dropout)
  final Device.Buf embedMask;
  final List<Layer> layers = new ArrayList<>();
  final Device.Buf xhatF;      // [n, C]
  final Device.Buf hidden;     // [n, C] ln_final.hook_normalized
  final Device.Buf rstdF;      // [n]
  final Device.Buf logits;     // [n, V]
  final Device.Buf probs;      // [n, V]
  final Device.Buf keyMask;    // [B, T] 1 real key, 0 padding (uploaded per batch when padded)
  private final Device device;
  private final DeviceShape shape;
  private Grads grads;

  /** The backward pass's buffers, shared by the layers (it visits one layer at a time); made on first use. */
  static final class Grads {
    Device.Buf dLogits;    // [n, V]
    Device.Buf dHidden;    // [n, C]
    Device.Buf dPost;      // [n, C] the gradient flowing down the residual stream
    Device.Buf dMid;       // [n, C]
    Device.Buf dTmp;       // [n, C] a masked copy (dropout)
    Device.Buf dLn;        // [n, C] a LayerNorm's input gradient
    Device.Buf dH;         // [n, C] a LayerNorm's output gradient
    Device.Buf dMerged;    // [n, C]
    Device.Buf dQkv;       // [n, 3C]
    Device.Buf dP;         // [B, H, T, T]
    Device.Buf dAct;       // [n, F]
  }

  /** One block's forward buffers. */
  static final class Layer {
    Device.Buf xhat1;
    Device.Buf ln1;      // [n, C]
    Device.Buf rstd1;    // [n]
    Device.Buf qkv;      // [n, 3C]: q | k | v, head h at columns h·D of each part
    Device.Buf pattern;  // [B, H, T, T] softmax output (hook_pattern)
    Device.Buf patternDrop;
    Device.Buf patternMask;
    Device.Buf merged;   // [n, C] heads side by side
    Device.Buf attnOut;  // [n, C]
    Device.Buf attnDrop;
    Device.Buf attnMask;
    Device.Buf mid;      // [n, C] hook_resid_mid
    Device.Buf xhat2;
    Device.Buf ln2;
    Device.Buf rstd2;
    Device.Buf fc;       // [n, F] pre-activation without bias
    Device.Buf geluGrad; // [n, F]
    Device.Buf act;      // [n, F]
    Device.Buf mlpOut;   // [n, C]
    Device.Buf mlpDrop;
    Device.Buf mlpMask;
    Device.Buf post;     // [n, C] hook_resid_post
  }

  Activations(Device d, DeviceShape s, int batch, int seq) {
    this.device = d;
    this.shape = s;
    this.batch = batch;
    this.seq = seq;
    this.n = batch * seq;
    long c = s.dModel();
    long rows = n;
    long tt = (long) batch * s.heads() * seq * seq;
    boolean drop = s.dropout() > 0;
    embed = d.alloc(rows * c);
    embedDrop = drop ? d.alloc(rows * c) : null;
    embedMask = drop ? d.alloc(rows * c) : null;
    for (int l = 0; l < s.layers(); l++) {
      Layer a = new Layer();
      a.xhat1 = d.alloc(rows * c);
      a.ln1 = d.alloc(rows * c);
      a.rstd1 = d.alloc(rows);
      a.qkv = d.alloc(rows * 3 * c);
      a.pattern = d.alloc(tt);
      a.patternDrop = drop ? d.alloc(tt) : null;
      a.patternMask = drop ? d.alloc(tt) : null;
      a.merged = d.alloc(rows * c);
      a.attnOut = d.alloc(rows * c);
      a.attnDrop = drop ? d.alloc(rows * c) : null;
      a.attnMask = drop ? d.alloc(rows * c) : null;
      a.mid = d.alloc(rows * c);
      a.xhat2 = d.alloc(rows * c);
      a.ln2 = d.alloc(rows * c);
      a.rstd2 = d.alloc(rows);
      a.fc = d.alloc(rows * s.dFf());
      a.geluGrad = d.alloc(rows * s.dFf());
      a.act = d.alloc(rows * s.dFf());
      a.mlpOut = d.alloc(rows * c);
      a.mlpDrop = drop ? d.alloc(rows * c) : null;
      a.mlpMask = drop ? d.alloc(rows * c) : null;
      a.post = d.alloc(rows * c);
      layers.add(a);
    }
    xhatF = d.alloc(rows * c);
    hidden = d.alloc(rows * c);
    rstdF = d.alloc(rows);
    logits = d.alloc(rows * s.vocab());
    probs = d.alloc(rows * s.vocab());
    keyMask = d.alloc(rows);
  }

  Grads grads() {
    if (grads == null) {
      Device d = device;
      long c = shape.dModel();
      long rows = n;
      Grads g = new Grads();
      g.dLogits = d.alloc(rows * shape.vocab());
      g.dHidden = d.alloc(rows * c);
      g.dPost = d.alloc(rows * c);
      g.dMid = d.alloc(rows * c);
      g.dTmp = d.alloc(rows * c);
      g.dLn = d.alloc(rows * c);
      g.dH = d.alloc(rows * c);
      g.dMerged = d.alloc(rows * c);
      g.dQkv = d.alloc(rows * 3 * c);
      g.dP = d.alloc((long) batch * shape.heads() * seq * seq);
      g.dAct = d.alloc(rows * shape.dFf());
      grads = g;
    }
    return grads;
  }
}
