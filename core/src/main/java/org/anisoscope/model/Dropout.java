package org.anisoscope.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted dropout: keeps each element with probability 1 − p and scales it by 1/(1 − p), so inference is the
 * identity. Masks come from ND4J's global random generator, which the trainer reseeds at every step from
 * (run seed, step): a resumed run draws the same masks, and the probe (inference only) draws nothing.
 */
final class Dropout {
  private final double p;
  private final Buffers buf;
  private final String name;
  private boolean lastWasTraining;

  Dropout(ParamStore store, String name, double p) {
    this.p = p;
    this.name = name;
    this.buf = new Buffers(store.dtype());
  }

  /** Returns x itself when inactive (p = 0 or inference), else a buffer {@code x ⊙ mask}. */
  INDArray forward(INDArray x, boolean training) {
    lastWasTraining = training && p > 0;
    if (!lastWasTraining) {
      return x;
    }
    INDArray mask = buf.get(name + ".mask", x.shape());
    INDArray y = buf.get(name + ".y", x.shape());
    Nd4j.getExecutioner().exec(new BernoulliDistribution(mask, 1.0 - p), Nd4j.getRandom());
    mask.divi(1.0 - p);
    y.assign(x).muli(mask);
    return y;
  }

  /** Whether a forward pass in this mode drops anything (training with p > 0). */
  boolean drops(boolean training) {
    return training && p > 0;
  }

  /** Whether the last forward pass dropped anything (training with p > 0). */
  boolean active() {
    return lastWasTraining;
  }

  /** What the last forward returned for input {@code x}: the masked buffer when active, else x. */
  INDArray lastOutput(INDArray x) {
    return lastWasTraining ? buf.get(name + ".y", x.shape()) : x;
  }

  /** dx = dy ⊙ mask, in place in {@code dy} when active; dy itself when inactive. */
  INDArray backward(INDArray dy) {
    if (!lastWasTraining) {
      return dy;
    }
    return dy.muli(buf.get(name + ".mask", dy.shape()));
  }
}
