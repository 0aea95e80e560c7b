package org.anisoscope.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** One named parameter tensor: a view into {@link ParamStore}'s flat values and one into its flat gradients. */
public final class Param {
  private final String name;
  private final long[] shape;
  private final ParamStore.Init init;
  private final double std;
  private final boolean decay;
  private final boolean embedding;
  private INDArray value;
  private INDArray grad;

  Param(String name, long[] shape, ParamStore.Init init, double std, boolean decay, boolean embedding) {
    this.name = name;
    this.shape = shape;
    this.init = init;
    this.std = std;
    this.decay = decay;
    this.embedding = embedding;
  }

  void bind(INDArray value, INDArray grad) {
    this.value = value;
    this.grad = grad;
  }

  public String name() {
    return name;
  }

  public long[] shape() {
    return shape.clone();
  }

  public long length() {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    return n;
  }

  ParamStore.Init init() {
    return init;
  }

  double std() {
    return std;
  }

  /** Whether AdamW's weight decay applies (every parameter with 2 or more dimensions, as in nanoGPT). */
  public boolean decay() {
    return decay;
  }

  /** An embedding table: decayed only when {@code train.decay-embeddings} is true. */
  public boolean embedding() {
    return embedding;
  }

  /** The parameter's values (a view; writes go to the store). */
  public INDArray value() {
    return value;
  }

  /** The gradient accumulator (a view; backward passes add into it). */
  public INDArray grad() {
    return grad;
  }
}
