package org.anisoscope.objective;

import org.anisoscope.data.Batch;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * A training objective (fairseq's "criterion"): owns its head(s), its loss and the scalars it logs. Registered
 * by name in {@link Objectives}.
 */
public interface Objective {
  /** The registry name, e.g. {@code causal-lm}. */
  String name();

  /**
   * Computes the loss for the final hidden states.
   *
   * @param hidden ln_final output {@code [B·T, C]}
   */
  LossResult forward(INDArray hidden, Batch batch);

  /** After {@link #forward}: accumulates head gradients and returns dHidden {@code [B·T, C]}. */
  INDArray backward(INDArray hidden, Batch batch);

  /** The names of the extra scalars {@link LossResult#scalars()} carries, in column order. */
  List<String> scalarNames();

  /** Whether the model this objective trains must be causal (decoder) — checked against the model config. */
  boolean requiresCausal();
}
