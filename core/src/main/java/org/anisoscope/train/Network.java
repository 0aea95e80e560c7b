package org.anisoscope.train;

import com.google.common.base.Preconditions;
import org.anisoscope.data.Batch;
import org.anisoscope.model.FrontendFactory;
import org.anisoscope.model.Model;
import org.anisoscope.model.ModelConfig;
import org.anisoscope.model.ParamStore;
import org.anisoscope.model.TokenEmbedding;
import org.anisoscope.objective.LossResult;
import org.anisoscope.objective.Objective;
import org.anisoscope.objective.ObjectiveFactory;
import org.anisoscope.util.Timing;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * What the training loop trains: a {@link Model} (frontend → transformer) and an {@link Objective} (head + loss)
 * over the model's one parameter store. The model does not know the objective; this class builds the objective
 * into the model's store, checks that they fit (a causal objective needs a causal model) and allocates the
 * store from the seed.
 */
public final class Network {
  private final Model model;
  private final Objective objective;

  /** Declares the objective's head in {@code model}'s store, then allocates and initialises it from {@code seed}. */
  public Network(Model model, ObjectiveFactory objective, long seed) {
    this.model = model;
    this.objective = objective.create(model.params(), model.config(), model.frontend());
    Preconditions.checkArgument(!this.objective.requiresCausal() || model.config().causal(),
        "objective %s needs a causal model (model.causal = true)", this.objective.name());
    model.params().allocate(seed);
  }

  public Network(ModelConfig config, FrontendFactory frontend, ObjectiveFactory objective, long seed) {
    this(new Model(config, frontend), objective, seed);
  }

  /** A token model (text) trained with {@code objective}. */
  public static Network ofTokens(ModelConfig config, ObjectiveFactory objective, long seed) {
    return new Network(config, TokenEmbedding::new, objective, seed);
  }

  /** Forward pass and loss; with {@code training}, dropout is active. */
  public LossResult forward(Batch batch, boolean training) {
    INDArray hidden = model.forward(batch, training);
    long t = Timing.start();
    LossResult r = objective.forward(hidden, batch);
    Timing.lap("objective.fwd", t);
    return r;
  }

  /** Backward pass of the last {@link #forward} of this batch: accumulates every parameter's gradient. */
  public void backward(Batch batch) {
    INDArray hidden = model.lastHidden(batch.positions());
    long t = Timing.start();
    INDArray dHidden = objective.backward(hidden, batch);
    Timing.lap("objective.bwd", t);
    model.backward(batch, dHidden);
  }

  /** Zeroes gradients, runs forward (training mode) and backward; returns the loss. */
  public LossResult forwardBackward(Batch batch) {
    model.params().zeroGrads();
    LossResult r = forward(batch, true);
    backward(batch);
    return r;
  }

  /** Hidden states only (no objective): ln_final output {@code [B·T, C]}. */
  public INDArray hidden(Batch batch) {
    return model.hidden(batch);
  }

  /** {@link Model#hooks}. */
  public Map<String, INDArray> hooks(int batch, int seq) {
    return model.hooks(batch, seq);
  }

  public Model model() {
    return model;
  }

  public Objective objective() {
    return objective;
  }

  public ParamStore params() {
    return model.params();
  }

  public ModelConfig config() {
    return model.config();
  }
}
