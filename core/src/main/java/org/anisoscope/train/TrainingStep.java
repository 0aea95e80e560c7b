package org.anisoscope.train;

import org.anisoscope.data.Batch;
import org.anisoscope.model.Kernels;
import org.anisoscope.model.Param;
import org.anisoscope.objective.LossResult;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * One optimizer step exactly as training runs it: forward and backward, the finite-loss check, the global gradient
 * norm and clipping, the AdamW update, the finite-parameter check. The {@link Trainer} and the benchmark
 * ({@code Bench}) both call this, so the benchmark times the trainer's step and not a copy of it.
 */
public final class TrainingStep {
  private final Network model;
  private final AdamW adam;
  private final double gradClip;

  /** @param gradClip global-norm clipping threshold; 0 = off */
  public TrainingStep(Network model, AdamW adam, double gradClip) {
    this.model = model;
    this.adam = adam;
    this.gradClip = gradClip;
  }

  /** What one step measured: the batch's loss (before the update) and the gradient norm before clipping. */
  public record Result(LossResult loss, double gradNorm) {
  }

  /** A loss, gradient or parameter that is NaN or infinite; the message says which. */
  public static final class NonFiniteException extends RuntimeException {
    NonFiniteException(String what) {
      super(what);
    }
  }

  public Result run(Batch batch, double lr) {
    return run(batch, lr, () -> { });
  }

  /**
   * @param afterBackward called after the backward pass, before the loss and gradients are checked (a test seam)
   * @throws NonFiniteException when the loss, the gradient norm or an updated parameter is not finite; the
   *     parameters are then not updated (loss, gradients) or already updated (parameters)
   */
  public Result run(Batch batch, double lr, Runnable afterBackward) {
    LossResult r = model.forwardBackward(batch);
    afterBackward.run();
    if (!Double.isFinite(r.loss())) {
      throw new NonFiniteException("loss is " + r.loss());
    }
    double gradNorm = clip(model.params().grads(), gradClip);
    if (!Double.isFinite(gradNorm)) {
      throw new NonFiniteException("gradient norm is " + gradNorm + "; first non-finite gradient: "
          + firstNonFinite(model, true));
    }
    adam.step(lr);
    if (!Kernels.allFinite(model.params().values())) {
      throw new NonFiniteException("parameter " + firstNonFinite(model, false) + " is not finite after the update "
          + "(lr " + lr + ")");
    }
    return new Result(r, gradNorm);
  }

  /**
   * Global-norm clipping: scales {@code grads} in place by {@code threshold / ‖grads‖₂} when the norm exceeds the
   * threshold (PyTorch's {@code clip_grad_norm_} without its 1e-6). A non-finite norm leaves them untouched.
   *
   * @param threshold 0 = off
   * @return the norm before clipping
   */
  public static double clip(INDArray grads, double threshold) {
    double norm = Kernels.norm2(grads);
    if (threshold > 0 && norm > threshold) {
      grads.muli(threshold / norm);
    }
    return norm;
  }

  /** The first parameter whose gradient (or, with {@code grads} false, value) holds a NaN or infinity. */
  static String firstNonFinite(Network model, boolean grads) {
    for (Param p : model.params().params()) {
      if (BooleanIndexing.or(grads ? p.grad() : p.value(), Conditions.notFinite())) {
        return p.name();
      }
    }
    return "(none found)";
  }
}
