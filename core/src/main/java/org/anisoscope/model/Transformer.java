package org.anisoscope.model;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/** N pre-LN blocks and the final LayerNorm: embeddings {@code [B·T, C]} → normalised hidden states. */
public final class Transformer {
  private final List<Block> blocks = new ArrayList<>();
  private final LayerNorm lnFinal;

  Transformer(ParamStore store, ModelConfig cfg) {
    for (int l = 0; l < cfg.layers(); l++) {
      blocks.add(new Block(store, "blocks." + l, cfg));
    }
    this.lnFinal = new LayerNorm(store, "ln_final", cfg.dModel());
  }

  /**
   * Key padding for every block's attention in the following passes ({@code [B·T]}, true = padded), or null for
   * none; see {@link SelfAttention#keyPadding}.
   */
  void keyPadding(boolean[] padding) {
    for (Block b : blocks) {
      if (b.attention() != null) {
        b.attention().keyPadding(padding);
      }
    }
  }

  /** @param embed hook_embed {@code [B·T, C]} @return ln_final.hook_normalized {@code [B·T, C]} */
  INDArray forward(INDArray embed, int batch, int seq, boolean training) {
    // Each block's last residual add runs fused with the layer norm that reads its sum next (the next block's
    // first one, or the final one): one pass over the residual stream less per block.
    INDArray x = embed;
    boolean normalised = false;
    for (int l = 0; l < blocks.size(); l++) {
      LayerNorm next = l + 1 < blocks.size() ? blocks.get(l + 1).firstNorm() : lnFinal;
      x = blocks.get(l).forward(x, batch, seq, training, normalised, next);
      normalised = next != null;
    }
    return normalised ? lnFinal.output(x.size(0)) : lnFinal.forward(x);
  }

  /** @return dEmbed {@code [B·T, C]} */
  INDArray backward(INDArray embed, INDArray dHidden, int batch, int seq) {
    long n = embed.size(0);
    INDArray d = lnFinal.backward(dHidden);
    for (int l = blocks.size() - 1; l >= 0; l--) {
      INDArray input = l == 0 ? embed : blocks.get(l - 1).residPost(n);
      d = blocks.get(l).backward(input, d, batch, seq);
    }
    return d;
  }

  public List<Block> blocks() {
    return List.copyOf(blocks);
  }

  LayerNorm lnFinal() {
    return lnFinal;
  }
}
