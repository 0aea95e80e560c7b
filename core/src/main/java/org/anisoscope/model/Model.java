package org.anisoscope.model;

import com.google.common.base.Preconditions;
import org.anisoscope.data.Batch;
import org.anisoscope.util.Timing;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Frontend → Transformer: batch → final hidden states {@code [B·T, C]}, over one {@link ParamStore}. The model
 * knows nothing of objectives: whatever trains it (org.anisoscope.train.Network) declares its head in the same
 * store, then allocates the store. After a forward pass of a batch shape, every hook of that shape is readable
 * through {@link #hooks(int, int)} (TransformerLens names, ARCHITECTURE.md §3).
 */
public final class Model {
  private final ModelConfig config;
  private final ParamStore store;
  private final Frontend frontend;
  private final Transformer transformer;

  /**
   * Declares the frontend's and the blocks' parameters in a new store; nothing is allocated until
   * {@code params().allocate(seed)} (after the objective has declared its head).
   */
  public Model(ModelConfig config, FrontendFactory frontend) {
    this.config = config;
    this.store = new ParamStore(config.dtype());
    this.frontend = frontend.create(store, config);
    this.transformer = new Transformer(store, config);
  }

  /** A model with the token frontend ({@link TokenEmbedding}): text. */
  public static Model ofTokens(ModelConfig config) {
    return new Model(config, TokenEmbedding::new);
  }

  /**
   * Forward pass; with {@code training}, dropout is active.
   *
   * @return ln_final.hook_normalized {@code [B·T, C]}, a live buffer
   */
  public INDArray forward(Batch batch, boolean training) {
    transformer.keyPadding(batch.padding()); // padded keys get no attention (null: none)
    long t = Timing.start();
    INDArray embed = frontend.forward(batch, training);
    Timing.lap("embed.fwd", t);
    return transformer.forward(embed, batch.size(), batch.seq(), training);
  }

  /** Hidden states in inference mode: ln_final output {@code [B·T, C]}. */
  public INDArray hidden(Batch batch) {
    return forward(batch, false);
  }

  /** ln_final's output of the last forward pass of {@code n} positions. */
  public INDArray lastHidden(long n) {
    return transformer.lnFinal().output(n);
  }

  /** Backward pass of the last {@link #forward} of this batch from dHidden: accumulates every gradient. */
  public void backward(Batch batch, INDArray dHidden) {
    INDArray embed = embedOutput(batch);
    INDArray dEmbed = transformer.backward(embed, dHidden, batch.size(), batch.seq());
    long t = Timing.start();
    frontend.backward(batch, dEmbed);
    Timing.lap("embed.bwd", t);
  }

  private INDArray embedOutput(Batch batch) {
    // The frontend's output buffer of this shape (what the first block read); not through hooks(), which would
    // make every attention pattern.
    return frontend.output((long) batch.size() * batch.seq());
  }

  /**
   * Every hook of the last forward pass of shape {@code [batch, seq]}, by name. Residual hooks are
   * {@code [B·T, C]}; {@code hook_q}/{@code hook_k} {@code [B, H, T, d_head]}; {@code hook_pattern}
   * {@code [B, H, T, T]}. The arrays are live buffers: copy what must outlive the next forward pass.
   */
  public Map<String, INDArray> hooks(int batch, int seq) {
    long n = (long) batch * seq;
    Map<String, INDArray> out = new LinkedHashMap<>();
    out.put(Hooks.EMBED, frontend.output(n));
    INDArray prev = out.get(Hooks.EMBED);
    for (int l = 0; l < transformer.blocks().size(); l++) {
      Block b = transformer.blocks().get(l);
      out.put(Hooks.residPre(l), prev);
      SelfAttention a = b.attention();
      if (a != null) {
        out.put(Hooks.q(l), a.q(batch, seq));
        out.put(Hooks.k(l), a.k(batch, seq));
        out.put(Hooks.pattern(l), a.pattern(batch, seq));
      }
      out.put(Hooks.residMid(l), b.residMid(n));
      out.put(Hooks.residPost(l), b.residPost(n));
      prev = b.residPost(n);
    }
    out.put(Hooks.LN_FINAL, transformer.lnFinal().output(n));
    return out;
  }

  /**
   * The token embedding {@code W_E} and the output matrix {@code W_U} as {@code [vocab, d_model]} point clouds
   * (rows = tokens): the degeneration argument of Gao et al. 2019 is about these rows. With tied weights they are
   * the same matrix. Empty for frontends without a token table. W_U is found by name ({@code *head.W}), as the
   * model does not know the objective that declared it.
   */
  public Map<String, INDArray> matrixHooks() {
    Map<String, INDArray> out = new LinkedHashMap<>();
    if (frontend instanceof TokenEmbedding te) {
      out.put(Hooks.W_E, te.tokenTable().value());
      INDArray unembed = te.tokenTable().value();
      for (Param p : store.params()) {
        if (p.name().endsWith("head.W")) {     // untied: [C, V]
          unembed = p.value().transpose();
        }
      }
      out.put(Hooks.W_U, unembed);
    }
    return out;
  }

  public ModelConfig config() {
    return config;
  }

  public ParamStore params() {
    return store;
  }

  public Frontend frontend() {
    return frontend;
  }
}
