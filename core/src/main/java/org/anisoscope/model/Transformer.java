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
    INDArray x = embed;
    for (Block b : blocks) {
      x = b.forward(x, batch, seq, training);
    }
    return lnFinal.forward(x);
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
