package org.anisoscope.model;

import com.google.common.base.Preconditions;
import org.anisoscope.util.Timing;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Multi-head scaled dot-product self-attention (Vaswani et al. 2017), causal or bidirectional. One GEMM makes
 * q, k and v; the heads are batched matrix products over {@code [batch·head, seq, d_head]}.
 * Hooks: {@code hook_q}, {@code hook_k} {@code [batch, head, seq, d_head]} and {@code hook_pattern}
 * {@code [batch, head, seq_q, seq_k]} are the buffers of the last forward pass (on the fused path the pattern is made
 * when it is read: that path keeps only each row's log-sum-exp, {@code [B·H, T]}, and its backward pass recomputes
 * the scores, so no {@code [B·H, T, T]} buffer lives between the passes). The interventions (ARCHITECTURE.md):
 * with {@code qkNorm} the queries and keys are normalised in the projection ({@link QkNorm}) and hook_q/hook_k are
 * the vectors that enter the dot product; {@code temperature} multiplies every logit.
 */
public final class SelfAttention {
  private final int dModel;
  private final int heads;
  private final int dHead;
  private final boolean causal;
  private final Linear qkv;
  private final Linear proj;
  private final Dropout attnDropout;
  private final Buffers buf;
  private final Buffers scratch; // backward-only arrays shared with every other block (ParamStore.scratch)
  private final QkNorm qkNorm; // null without qk-norm
  /** The factor on q·kᵀ: temperature/√d_head, or the temperature alone with qk-norm (its gains hold √d_head). */
  private double logitScale;
  /** Whether the last forward pass took the strided route (its backward pass then does too). */
  private boolean strided;
  /** Whether the last forward pass ran the fused attention kernels (its backward pass then does too). */
  private boolean fusedAttention;
  /**
   * {@code [batch, seq]} of the last forward pass when it ran the fused attention, whose pattern is not written
   * until {@link #pattern} asks for it; null after any other forward pass, or once the pattern is made.
   */
  private int[] patternPending;
  /** Key padding of the next forward passes: {@code [B·T]}, true = no query may attend to that key; or null. */
  private boolean[] keyPadding;

  SelfAttention(ParamStore store, String name, int dModel, int heads, boolean causal, double dropout,
      double std, double projStd) {
    this(store, name, dModel, heads, causal, dropout, std, projStd, false, 1.0);
  }

  SelfAttention(ParamStore store, String name, int dModel, int heads, boolean causal, double dropout,
      double std, double projStd, boolean qkNorm, double temperature) {
    Preconditions.checkArgument(dModel % heads == 0, "d-model %s is not divisible by heads %s", dModel, heads);
    this.dModel = dModel;
    this.heads = heads;
    this.dHead = dModel / heads;
    this.causal = causal;
    this.qkv = new Linear(store, name + ".qkv", dModel, 3 * dModel, true, std);
    this.proj = new Linear(store, name + ".proj", dModel, dModel, true, projStd);
    this.attnDropout = new Dropout(store, name + ".attn_drop", dropout);
    this.buf = new Buffers(store.dtype());
    this.scratch = store.scratch();
    this.qkNorm = qkNorm ? new QkNorm(store, name + ".qk_scale", heads, dHead) : null;
    setTemperature(temperature);
  }

  /** Sets the fixed factor on the logits (1 = plain scaled dot-product attention). */
  void setTemperature(double temperature) {
    Preconditions.checkArgument(temperature > 0 && Double.isFinite(temperature),
        "attention temperature must be finite and > 0, got %s", temperature);
    this.logitScale = qkNorm != null ? temperature : temperature / Math.sqrt(dHead);
  }

  /**
   * @param x {@code [B·T, C]} (the LayerNorm output)
   * @return {@code [B·T, C]}, a buffer owned by this layer
   */
  INDArray forward(INDArray x, int batch, int seq, boolean training) {
    int bh = batch * heads;
    long t = Timing.start();
    INDArray qkvOut = qkv.forward(x);                              // [B·T, 3C]
    t = Timing.lap("attn.fwd.qkv", t);
    if (qkNorm != null) {
      qkNorm.forward(qkvOut);                                      // q ← g·q̂, k ← k̂, in place
      t = Timing.lap("attn.fwd.qknorm", t);
    }
    INDArray qkv5 = qkvOut.reshape(batch, seq, 3, heads, dHead);  // [B, T, 3, H, D] view
    INDArray merged = buf.get("merged", (long) batch * seq, dModel); // [B·T, C]
    patternPending = null;
    // Strided: the products read q, k, v straight out of qkvOut and write straight into merged; the head copies
    // are then made only for inference, where hook_q / hook_k are read.
    strided = Blas.headsUsable(qkvOut, merged);
    // (v is no hook: the strided products never need its copy). The head buffers are only made where they are
    // filled: a strided training pass never touches them (3 [B·T, C] arrays less per block).
    boolean heads3 = !(strided && training);
    INDArray q = heads3 ? q(batch, seq) : null;                   // [B, H, T, D]
    INDArray k = heads3 ? k(batch, seq) : null;
    INDArray v = heads3 ? buf.get("v", batch, heads, seq, dHead) : null;
    if (heads3 && Kernels.copies(qkvOut, q, k, v)) {
      Kernels.heads(qkvOut, 3, 0, q, batch, seq, heads, dHead, true);
      Kernels.heads(qkvOut, 3, 1, k, batch, seq, heads, dHead, true);
      if (!strided) {
        Kernels.heads(qkvOut, 3, 2, v, batch, seq, heads, dHead, true);
      }
    } else if (heads3) {
      q.assign(part(qkv5, 0));
      k.assign(part(qkv5, 1));
      if (!strided) {
        v.assign(part(qkv5, 2));
      }
    }
    t = Timing.lap("attn.fwd.split", t);
    INDArray lse = buf.get("lse", bh, seq);                        // [B·H, T] row log-sum-exp
    fusedAttention = strided && !attnDropout.drops(training) && keyPadding == null
        && Kernels.attention(seq, dHead, qkvOut, lse, merged);
    if (fusedAttention) {
      Kernels.attentionForwardTiled(bh, part(qkvOut, 0, seq), part(qkvOut, 1, seq), part(qkvOut, 2, seq), lse,
          null, rowsOf(merged, seq), logitScale, causal);
      patternPending = new int[] {batch, seq};
      attnDropout.forward(lse, training); // drops nothing here; records that for the backward pass
      t = Timing.lap("attn.fwd.fused", t);
      INDArray result = proj.forward(merged);
      Timing.lap("attn.fwd.proj", t);
      return result;
    }
    INDArray probs = pattern(batch, seq).reshape(bh, seq, seq);    // [B·H, T, T] view of [B, H, T, T]
    INDArray scores = buf.get("scores", bh, seq, seq);             // [B·H, T, T]
    if (strided) {
      Blas.batchedHeads(bh, part(qkvOut, 0, seq), false, part(qkvOut, 1, seq), true,
          Blas.Heads.of(scores, heads, seq, seq));
    } else { // (not strided: heads3, q and k were copied above)
      Blas.batched(q.reshape(bh, seq, dHead), k.reshape(bh, seq, dHead), scores, false, true);
    }
    t = Timing.lap("attn.fwd.qk", t);
    if (keyPadding != null) {
      maskPaddedKeys(scores, batch, seq);
    }
    if (Kernels.fused(scores, probs)) {
      Kernels.softmaxForward(scores, probs, bh * seq, seq, logitScale, causal);
    } else {
      scores.muli(logitScale);
      if (causal) {
        Nd4j.exec(new BroadcastAddOp(scores, mask(seq), scores, 1, 2));
      }
      t = Timing.lap("attn.fwd.scale_mask", t);
      Nd4j.exec(new SoftMax(scores, probs, -1));  // out of place: in place is 3x slower in M2.1
    }
    t = Timing.lap("attn.fwd.softmax", t);
    INDArray used = attnDropout.forward(probs, training);          // [B·H, T, T]

    if (strided && Blas.headsUsable(used, qkvOut)) {
      Blas.batchedHeads(bh, Blas.Heads.of(used, heads, seq, seq), false, part(qkvOut, 2, seq), false,
          rowsOf(merged, seq));
      t = Timing.lap("attn.fwd.pv", t);
    } else {
      if (v == null) {
        v = buf.get("v", batch, heads, seq, dHead);
      }
      if (strided) { // the head copy of v was left out above
        v.assign(part(qkv5, 2));
      }
      strided = false;
      INDArray y = buf.get("y", bh, seq, dHead);                   // [B·H, T, D]
      Blas.batched(used, v.reshape(bh, seq, dHead), y, false, false);
      t = Timing.lap("attn.fwd.pv", t);
      mergeHeads(y, merged, batch, seq);
    }
    t = Timing.lap("attn.fwd.merge", t);
    INDArray result = proj.forward(merged);
    Timing.lap("attn.fwd.proj", t);
    return result;
  }

  /**
   * Key padding for the following forward passes (until set again): a padded key gets −1e9 added to its scores,
   * so its attention weight is exactly 0 after the softmax (exp underflows) and, as dS = P ⊙ (…), it receives no
   * gradient either. Padded queries still attend to the real keys (their rows are finite and ignored by every
   * loss and probe). Padded batches take the unfused softmax route. Null: no padding.
   *
   * @param padding {@code [B·T]} true = padded position; at least one real position per sequence
   */
  void keyPadding(boolean[] padding) {
    this.keyPadding = padding;
  }

  /** scores {@code [B·H, T, T]} += −1e9 in the columns of padded keys of each sequence. */
  private void maskPaddedKeys(INDArray scores, int batch, int seq) {
    Preconditions.checkArgument(keyPadding.length == batch * seq, "key padding has %s entries, batch [%s, %s]",
        keyPadding.length, batch, seq);
    INDArray bias = buf.get("key_pad", batch, seq);                // [B, T]
    double[] v = new double[batch * seq];
    for (int i = 0; i < v.length; i++) {
      v[i] = keyPadding[i] ? -1e9 : 0.0;
    }
    bias.assign(Nd4j.create(v, new long[] {batch, seq}, bias.dataType()));
    INDArray s3 = scores.reshape(batch, (long) heads * seq, seq);   // [B, H·T, T] view
    Nd4j.exec(new BroadcastAddOp(s3, bias, s3, 0, 2));
  }

  /** merged {@code [B·T, C]} ← y {@code [B·H, T, D]} (heads side by side). */
  private void mergeHeads(INDArray y, INDArray merged, int batch, int seq) {
    if (Kernels.copies(merged, y)) {
      Kernels.heads(merged, 1, 0, y, batch, seq, heads, dHead, false);
    } else {
      merged.reshape(batch, seq, heads, dHead).assign(y.reshape(batch, heads, seq, dHead).permute(0, 2, 1, 3));
    }
  }

  /** Part p (0 q, 1 k, 2 v) of a {@code [B·T, 3C]} projection (or its gradient) as B·H matrices {@code [T, D]}. */
  private Blas.Heads part(INDArray qkvRows, int p, int seq) {
    return new Blas.Heads(qkvRows, (long) p * dModel, (long) seq * 3 * dModel, dHead, heads, seq, dHead, 3 * dModel);
  }

  /** A {@code [B·T, C]} array as B·H matrices {@code [T, D]} (head h at column h·D). */
  private Blas.Heads rowsOf(INDArray rows, int seq) {
    return new Blas.Heads(rows, 0, (long) seq * dModel, dHead, heads, seq, dHead, dModel);
  }

  /**
   * @param x the forward input {@code [B·T, C]}
   * @param dOut {@code [B·T, C]}
   * @return dx {@code [B·T, C]}, a buffer owned by this layer
   */
  INDArray backward(INDArray x, INDArray dOut, int batch, int seq) {
    int bh = batch * heads;
    INDArray merged = buf.get("merged", (long) batch * seq, dModel);
    long t = Timing.start();
    INDArray dMerged = proj.backward(merged, dOut);                // [B·T, C]
    t = Timing.lap("attn.bwd.proj", t);
    INDArray qkvOut = qkv.output((long) batch * seq);
    INDArray dQkvs = scratch.get("attn.dqkv", (long) batch * seq, 3L * dModel); // [B·T, 3C], backward only
    if (fusedAttention && !attnDropout.active()) {
      INDArray lse = buf.get("lse", bh, seq);
      Preconditions.checkState(Kernels.attention(seq, dHead, dMerged, qkvOut, lse, dQkvs),
          "fused attention backward on buffers it cannot take");
      Kernels.attentionBackwardTiled(bh, part(qkvOut, 0, seq), part(qkvOut, 1, seq), part(qkvOut, 2, seq), lse,
          rowsOf(dMerged, seq), part(dQkvs, 0, seq), part(dQkvs, 1, seq), part(dQkvs, 2, seq), logitScale, causal);
      t = Timing.lap("attn.bwd.fused", t);
      INDArray dx = qkv.backward(x, normBackward(dQkvs));
      Timing.lap("attn.bwd.qkv", t);
      return dx;
    }
    INDArray p3s = pattern(batch, seq).reshape(bh, seq, seq);
    INDArray pUsed = attnDropout.lastOutput(p3s);
    INDArray dPs = scratch.get("attn.dP", bh, seq, seq);           // [B·H, T, T]
    if (strided && Blas.headsUsable(dMerged, qkvOut, p3s, dPs, dQkvs, pUsed)) {
      Blas.Heads dy = rowsOf(dMerged, seq);
      Blas.Heads pd = Blas.Heads.of(pUsed, heads, seq, seq);
      Blas.Heads dPh = Blas.Heads.of(dPs, heads, seq, seq);
      Blas.batchedHeadsPair(bh, pd, true, dy, false, part(dQkvs, 2, seq),      // dv = Pᵀ dy
          dy, false, part(qkvOut, 2, seq), true, dPh);                           // dP = dy vᵀ
      attnDropout.backward(dPs);
      t = Timing.lap("attn.bwd.dv_dP", t);
      softmaxBackward(p3s, dPs, bh, seq);
      t = Timing.lap("attn.bwd.softmax", t);
      Blas.batchedHeadsPair(bh, dPh, false, part(qkvOut, 1, seq), false, part(dQkvs, 0, seq),  // dq = dS k
          dPh, true, part(qkvOut, 0, seq), false, part(dQkvs, 1, seq));                        // dk = dSᵀ q
      t = Timing.lap("attn.bwd.dq_dk", t);
      INDArray dx = qkv.backward(x, normBackward(dQkvs));
      Timing.lap("attn.bwd.qkv", t);
      return dx;
    }
    INDArray dy = scratch.get("attn.dy", batch, heads, seq, dHead); // [B, H, T, D]
    if (Kernels.copies(dMerged, dy)) {
      Kernels.heads(dMerged, 1, 0, dy, batch, seq, heads, dHead, true);
    } else {
      dy.assign(dMerged.reshape(batch, seq, heads, dHead).permute(0, 2, 1, 3));
    }
    INDArray dy3 = dy.reshape(bh, seq, dHead);

    INDArray q3 = q(batch, seq).reshape(bh, seq, dHead);
    INDArray k3 = k(batch, seq).reshape(bh, seq, dHead);
    INDArray v3 = buf.get("v", batch, heads, seq, dHead).reshape(bh, seq, dHead);
    INDArray p3 = pattern(batch, seq).reshape(bh, seq, seq);      // softmax output, before dropout
    INDArray dP = scratch.get("attn.dP", bh, seq, seq);            // [B·H, T, T]
    INDArray dq = scratch.get("attn.dq", batch, heads, seq, dHead);
    INDArray dk = scratch.get("attn.dk", batch, heads, seq, dHead);
    INDArray dv = scratch.get("attn.dv", batch, heads, seq, dHead);
    t = Timing.lap("attn.bwd.unmerge", t);
    INDArray pDropped = attnDropout.lastOutput(p3);              // P after dropout
    Blas.batchedPair(pDropped, dy3, dv.reshape(bh, seq, dHead), true, false,   // dv = Pᵀ dy
        dy3, v3, dP, false, true);                                                // dP = dy vᵀ
    attnDropout.backward(dP);
    t = Timing.lap("attn.bwd.dv_dP", t);
    softmaxBackward(p3, dP, bh, seq);
    t = Timing.lap("attn.bwd.softmax", t);
    Blas.batchedPair(dP, k3, dq.reshape(bh, seq, dHead), false, false,         // dq = dS k
        dP, q3, dk.reshape(bh, seq, dHead), true, false);                         // dk = dSᵀ q

    t = Timing.lap("attn.bwd.dq_dk", t);
    INDArray dQkv = scratch.get("attn.dqkv", (long) batch * seq, 3L * dModel); // [B·T, 3C]
    INDArray dQkv5 = dQkv.reshape(batch, seq, 3, heads, dHead);
    if (Kernels.copies(dQkv, dq, dk, dv)) {
      Kernels.heads(dQkv, 3, 0, dq, batch, seq, heads, dHead, false);
      Kernels.heads(dQkv, 3, 1, dk, batch, seq, heads, dHead, false);
      Kernels.heads(dQkv, 3, 2, dv, batch, seq, heads, dHead, false);
    } else {
      part(dQkv5, 0).assign(dq);
      part(dQkv5, 1).assign(dk);
      part(dQkv5, 2).assign(dv);
    }
    t = Timing.lap("attn.bwd.join", t);
    INDArray dx = qkv.backward(x, normBackward(dQkv));
    Timing.lap("attn.bwd.qkv", t);
    return dx;
  }

  /** The projection's gradient through the qk-norm (in place), or unchanged without it. */
  private INDArray normBackward(INDArray dQkv) {
    if (qkNorm != null) {
      long t = Timing.start();
      qkNorm.backward(dQkv);
      Timing.lap("attn.bwd.qknorm", t);
    }
    return dQkv;
  }

  /** In place: dP ← dS = P ⊙ (dP − Σ_j dP ⊙ P) · logitScale. */
  private void softmaxBackward(INDArray p3, INDArray dP, int bh, int seq) {
    if (Kernels.fused(p3, dP)) {
      Kernels.softmaxBackward(p3, dP, bh * seq, seq, logitScale, causal);
    } else {
      INDArray rowDot = buf.get("rowDot", bh, seq);
      INDArray tmp = buf.get("tmpP", bh, seq, seq);
      tmp.assign(dP).muli(p3).sum(rowDot, 2);
      Nd4j.exec(new BroadcastSubOp(dP, rowDot, dP, 0, 1));
      dP.muli(p3).muli(logitScale);
    }
  }

  /** {@code [B, T, H, D] → [B, H, T, D]} view of q (0), k (1) or v (2) inside {@code [B, T, 3, H, D]}. */
  private static INDArray part(INDArray qkv5, int which) {
    return qkv5.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(which), NDArrayIndex.all(),
        NDArrayIndex.all()).permute(0, 2, 1, 3);
  }

  /** 0 on and below the diagonal, −1e9 above: added to the scores so no position attends to a later one. */
  private INDArray mask(int seq) {
    INDArray m = buf.get("mask", seq, seq);
    if (m.getDouble(0, seq - 1) == 0.0 && seq > 1) {
      for (int i = 0; i < seq; i++) {
        for (int j = i + 1; j < seq; j++) {
          m.putScalar(i, j, -1e9);
        }
      }
    }
    return m;
  }

  /** hook_q of the last forward pass with this shape: {@code [B, H, T, D]}. */
  INDArray q(int batch, int seq) {
    return buf.get("q", batch, heads, seq, dHead);
  }

  /** hook_k: {@code [B, H, T, D]}. */
  INDArray k(int batch, int seq) {
    return buf.get("k", batch, heads, seq, dHead);
  }

  /**
   * hook_pattern: {@code [B, H, T, T]}, rows sum to 1. After a fused forward pass of this shape it is recomputed
   * here, on first read, from that pass's q, k and row log-sum-exp (the fused path keeps no pattern).
   */
  INDArray pattern(int batch, int seq) {
    INDArray p = buf.get("pattern", batch, heads, seq, seq);
    if (patternPending != null && patternPending[0] == batch && patternPending[1] == seq) {
      INDArray qkvOut = qkv.output((long) batch * seq);
      Kernels.attentionPatterns(batch * heads, part(qkvOut, 0, seq), part(qkvOut, 1, seq),
          buf.get("lse", (long) batch * heads, seq), Blas.Heads.of(p, heads, seq, seq), logitScale, causal);
      patternPending = null;
    }
    return p;
  }

  /** Floats of every buffer this layer holds (activations, gradients, saved state): the memory test reads it. */
  long bufferFloats() {
    return buf.floats();
  }

  /** The largest buffer this layer holds, in floats. */
  long largestBuffer() {
    return buf.largest();
  }

  public int heads() {
    return heads;
  }

  public int dHead() {
    return dHead;
  }
}
