package org.anisoscope.model;

import com.google.common.base.Preconditions;
import org.anisoscope.util.Timing;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * An attention-free learned token mixer (the {@code model.attention = mixer} control): MLP-Mixer's token-mixing
 * step (Tolstikhin et al. 2021), linear, per head and causal-masked for decoders, in the place of the attention:
 * {@code v = x W_v + b_v}, {@code y[b, :, h] = M_h · v[b, :, h]} with one learned position-by-position matrix
 * {@code M_h [T, T]} per head (lower-triangular when causal: position t mixes positions ≤ t), then
 * {@code out = y W_o + b_o}. The mixing weights depend on positions only, never on the tokens: no query, no key,
 * no softmax. Parameters: {@code 2C² + 2C + H·T²} against attention's {@code 4C² + 4C} (98 k vs 66 k at C = T = 128,
 * H = 4). A batch shorter than the context uses the top-left {@code [T, T]} corner of each {@code M_h}.
 * No hooks beyond the block's residual ones ({@link ModelConfig.Attention#hooks()} is empty).
 */
public final class TokenMixer {
  private final int dModel;
  private final int heads;
  private final int dHead;
  private final int context;
  private final boolean causal;
  private final Linear value;
  private final Linear proj;
  private final Param mix; // [H, context, context]
  private final Buffers buf;

  TokenMixer(ParamStore store, String name, int dModel, int heads, int context, boolean causal, double std,
      double projStd) {
    Preconditions.checkArgument(dModel % heads == 0, "d-model %s is not divisible by heads %s", dModel, heads);
    this.dModel = dModel;
    this.heads = heads;
    this.dHead = dModel / heads;
    this.context = context;
    this.causal = causal;
    this.value = new Linear(store, name + ".value", dModel, dModel, true, std);
    this.proj = new Linear(store, name + ".proj", dModel, dModel, true, projStd);
    // 1/√T: a row of M then maps a unit-variance sequence to an output of at most unit variance (a linear layer's
    // usual fan-in init, with T positions as the fan-in).
    this.mix = store.declare(name + ".mix", new long[] {heads, context, context}, ParamStore.Init.NORMAL,
        1.0 / Math.sqrt(context), true);
    this.buf = new Buffers(store.dtype());
  }

  /**
   * @param x {@code [B·T, C]} (the LayerNorm output)
   * @return {@code [B·T, C]}, a buffer owned by this layer
   */
  INDArray forward(INDArray x, int batch, int seq, boolean training) {
    Preconditions.checkArgument(seq <= context, "sequence of %s positions exceeds the mixer's context %s", seq,
        context);
    long t = Timing.start();
    INDArray v = value.forward(x);                                 // [B·T, C]
    INDArray m = masked(seq);                                      // [H, T, T]
    INDArray y = buf.get("y", (long) batch * seq, dModel);         // [B·T, C]
    mixHeads(batch, seq, m, false, v, y);                          // y_bh = M_h · v_bh
    t = Timing.lap("mixer.fwd.mix", t);
    INDArray out = proj.forward(y);
    Timing.lap("mixer.fwd.proj", t);
    return out;
  }

  /**
   * @param x the forward input {@code [B·T, C]}
   * @param dOut {@code [B·T, C]}
   * @return dx {@code [B·T, C]}, a buffer owned by this layer
   */
  INDArray backward(INDArray x, INDArray dOut, int batch, int seq) {
    long n = (long) batch * seq;
    long t = Timing.start();
    INDArray y = buf.get("y", n, dModel);
    INDArray dy = proj.backward(y, dOut);                          // [B·T, C]
    INDArray v = value.output(n);                                  // [B·T, C]
    INDArray m = masked(seq);                                      // [H, T, T]
    INDArray dv = buf.get("dv", n, dModel);
    mixHeads(batch, seq, m, true, dy, dv);                         // dv_bh = M_hᵀ · dy_bh
    INDArray dm = buf.get("dmPerSeq", batch, (long) heads * seq * seq); // [B, H·T·T]: dy_bh · v_bhᵀ
    outerHeads(batch, seq, dy, v, dm);
    INDArray dmSum = buf.get("dm", 1, (long) heads * seq * seq).assign(0.0); // Σ_b   [1, H·T·T]
    buf.addColumnSums(dm, dmSum);
    INDArray dm3 = dmSum.reshape(heads, seq, seq);
    if (causal) {
      dm3.muli(mask(seq));                                         // entries above the diagonal are not used
    }
    corner(mix.grad(), seq).addi(dm3);
    t = Timing.lap("mixer.bwd.mix", t);
    INDArray dx = value.backward(x, dv);
    Timing.lap("mixer.bwd.value", t);
    return dx;
  }

  /** The mixing matrices in use for sequences of {@code seq}: {@code [H, T, T]}, masked when causal. */
  INDArray masked(int seq) {
    INDArray m = buf.get("masked", heads, seq, seq).assign(corner(mix.value(), seq));
    return causal ? m.muli(mask(seq)) : m;
  }

  private static INDArray corner(INDArray hTT, int seq) {
    return hTT.get(NDArrayIndex.all(), NDArrayIndex.interval(0, seq), NDArrayIndex.interval(0, seq));
  }

  /** {@code [H, T, T]}: 1 on and below the diagonal, 0 above. */
  private INDArray mask(int seq) {
    INDArray mk = buf.get("mask", heads, seq, seq);
    if (mk.getDouble(0, 0, 0) == 0.0) {
      for (int h = 0; h < heads; h++) {
        for (int i = 0; i < seq; i++) {
          for (int j = 0; j <= i; j++) {
            mk.putScalar(new long[] {h, i, j}, 1.0);
          }
        }
      }
    }
    return mk;
  }

  /** {@code out_bh = op(M_h) · in_bh} for every sequence b and head h; in and out are {@code [B·T, C]} rows. */
  private void mixHeads(int batch, int seq, INDArray m, boolean transpose, INDArray in, INDArray out) {
    if (Blas.headsUsable(m, in, out)) {
      Blas.Heads mh = new Blas.Heads(m, 0, 0, (long) seq * seq, heads, seq, seq, seq);  // shared over b
      Blas.batchedHeads(batch * heads, mh, transpose, rowsOf(in, seq), false, rowsOf(out, seq));
      return;
    }
    for (int b = 0; b < batch; b++) {      // any backend: ND4J views, one product per (sequence, head)
      for (int h = 0; h < heads; h++) {
        INDArray mh = m.get(NDArrayIndex.point(h), NDArrayIndex.all(), NDArrayIndex.all());
        out.get(block(b, seq), cols(h)).assign((transpose ? mh.transpose() : mh).mmul(in.get(block(b, seq), cols(h))));
      }
    }
  }

  /** {@code dm[b, h] = dy_bh · v_bhᵀ} ({@code [T, T]} per sequence and head) into {@code dm [B, H·T·T]}. */
  private void outerHeads(int batch, int seq, INDArray dy, INDArray v, INDArray dm) {
    if (Blas.headsUsable(dy, v, dm)) {
      Blas.batchedHeads(batch * heads, rowsOf(dy, seq), false, rowsOf(v, seq), true, Blas.Heads.of(dm, heads, seq, seq));
      return;
    }
    INDArray dm4 = dm.reshape(batch, heads, seq, seq);
    for (int b = 0; b < batch; b++) {
      for (int h = 0; h < heads; h++) {
        dm4.get(NDArrayIndex.point(b), NDArrayIndex.point(h), NDArrayIndex.all(), NDArrayIndex.all())
            .assign(dy.get(block(b, seq), cols(h)).mmul(v.get(block(b, seq), cols(h)).transpose()));
      }
    }
  }

  /** A {@code [B·T, C]} array as B·H matrices {@code [T, D]} (head h at column h·D). */
  private Blas.Heads rowsOf(INDArray rows, int seq) {
    return new Blas.Heads(rows, 0, (long) seq * dModel, dHead, heads, seq, dHead, dModel);
  }

  private static org.nd4j.linalg.indexing.INDArrayIndex block(int b, int seq) {
    return NDArrayIndex.interval((long) b * seq, (long) (b + 1) * seq);
  }

  private org.nd4j.linalg.indexing.INDArrayIndex cols(int h) {
    return NDArrayIndex.interval((long) h * dHead, (long) (h + 1) * dHead);
  }

  public int heads() {
    return heads;
  }
}
