package org.anisoscope.model;

import com.google.common.base.Preconditions;
import org.anisoscope.data.Batch;
import org.anisoscope.objective.LossResult;
import org.anisoscope.objective.Objective;
import org.anisoscope.objective.ObjectiveFactory;
import org.anisoscope.util.Timing;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Frontend → Transformer → Objective, over one {@link ParamStore}. After a forward pass of a batch shape, every
 * hook of that shape is readable through {@link #hooks(int, int)} (TransformerLens names, ARCHITECTURE.md §3).
 */
public final class Model {
  private final ModelConfig config;
  private final ParamStore store;
  private final Frontend frontend;
  private final Transformer transformer;
  private final Objective objective;

  /** Builds the model and initialises its weights from {@code seed}. */
  public Model(ModelConfig config, ObjectiveFactory objectiveFactory, long seed) {
    this.config = config;
    this.store = new ParamStore(config.dtype());
    TokenEmbedding embedding = new TokenEmbedding(store, config);
    this.frontend = embedding;
    this.transformer = new Transformer(store, config);
    this.objective = objectiveFactory.create(store, config, frontend);
    Preconditions.checkArgument(!objective.requiresCausal() || config.causal(),
        "objective %s needs a causal model (model.causal = true)", objective.name());
    store.allocate(seed);
  }

  /** Forward pass and loss; with {@code training}, dropout is active. */
  public LossResult forward(Batch batch, boolean training) {
    long t = Timing.start();
    INDArray embed = frontend.forward(batch, training);
    t = Timing.lap("embed.fwd", t);
    INDArray hidden = transformer.forward(embed, batch.size(), batch.seq(), training);
    t = Timing.start();
    LossResult r = objective.forward(hidden, batch);
    Timing.lap("objective.fwd", t);
    return r;
  }

  /** Hidden states only (no objective): ln_final output {@code [B·T, C]}. */
  public INDArray hidden(Batch batch) {
    INDArray embed = frontend.forward(batch, false);
    return transformer.forward(embed, batch.size(), batch.seq(), false);
  }

  /** Backward pass of the last {@link #forward} of this batch: accumulates every parameter's gradient. */
  public void backward(Batch batch) {
    int n = batch.positions();
    INDArray hidden = transformer.lnFinal().output(n);
    long t = Timing.start();
    INDArray dHidden = objective.backward(hidden, batch);
    t = Timing.lap("objective.bwd", t);
    INDArray embed = embedOutput(batch);
    INDArray dEmbed = transformer.backward(embed, dHidden, batch.size(), batch.seq());
    t = Timing.start();
    frontend.backward(batch, dEmbed);
    Timing.lap("embed.bwd", t);
  }

  /** Zeroes gradients, runs forward (training mode) and backward; returns the loss. */
  public LossResult forwardBackward(Batch batch) {
    store.zeroGrads();
    LossResult r = forward(batch, true);
    backward(batch);
    return r;
  }

  private INDArray embedOutput(Batch batch) {
    // The frontend's output buffer of this shape (what the first block read).
    return hooks(batch.size(), batch.seq()).get(Hooks.EMBED);
  }

  /**
   * Every hook of the last forward pass of shape {@code [batch, seq]}, by name. Residual hooks are
   * {@code [B·T, C]}; {@code hook_q}/{@code hook_k} {@code [B, H, T, d_head]}; {@code hook_pattern}
   * {@code [B, H, T, T]}. The arrays are live buffers: copy what must outlive the next forward pass.
   */
  public Map<String, INDArray> hooks(int batch, int seq) {
    long n = (long) batch * seq;
    Map<String, INDArray> out = new LinkedHashMap<>();
    out.put(Hooks.EMBED, ((TokenEmbedding) frontend).output(n));
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
   * the same matrix. Empty for frontends without a token table.
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

  public Objective objective() {
    return objective;
  }

  public Frontend frontend() {
    return frontend;
  }
}
