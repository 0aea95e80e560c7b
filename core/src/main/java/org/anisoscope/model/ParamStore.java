package org.anisoscope.model;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableList;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Every parameter and its gradient as views into two flat buffers, so that the optimizer, the gradient norm,
 * clipping and zeroing are each a handful of ops over one array instead of one per tensor (per-op overhead in
 * ND4J is ≈ 12 µs). Layers {@link #declare} their parameters first; {@link #allocate} then lays them out.
 */
public final class ParamStore {
  /** How a parameter is initialised. */
  public enum Init { ZEROS, ONES, NORMAL }

  private final DataType dtype;
  private final List<Param> params = new ArrayList<>();
  private final Set<String> names = new LinkedHashSet<>();
  private INDArray values;  // [P]
  private INDArray grads;   // [P]
  // Backward-only arrays shared by every layer declared here (one block's backward pass runs at a time).
  private Buffers scratch;

  public ParamStore(DataType dtype) {
    this.dtype = dtype;
  }

  public DataType dtype() {
    return dtype;
  }

  /**
   * The model-wide buffers for arrays that live only inside one layer's backward pass (its upstream gradients,
   * its dx): the blocks' backward passes run one after another, so they share one set instead of one per layer
   * (at d 512, 4 layers: ~330 MB less). Layers key them by {@link Buffers#role}, the name without the block index.
   */
  public Buffers scratch() {
    if (scratch == null) {
      scratch = new Buffers(dtype);
    }
    return scratch;
  }

  /**
   * Declares a parameter; its arrays exist after {@link #allocate}.
   *
   * @param std standard deviation for {@link Init#NORMAL}
   * @param decay whether AdamW's weight decay applies: weight matrices yes; LayerNorm gains and biases no (they
   *     are stored as {@code [1, n]} but are vectors: nanoGPT's "2 or more dimensions" rule counts them as 1-D)
   */
  public Param declare(String name, long[] shape, Init init, double std, boolean decay) {
    return add(new Param(name, shape.clone(), init, std, decay, false));
  }

  /**
   * Declares an embedding table (normal init): a matrix, so nanoGPT decays it, but {@link #decayMask(boolean)} can
   * leave it out ({@code train.decay-embeddings = false}).
   */
  public Param declareEmbedding(String name, long[] shape, double std) {
    return add(new Param(name, shape.clone(), Init.NORMAL, std, true, true));
  }

  private Param add(Param p) {
    Preconditions.checkState(values == null, "parameter %s declared after allocation", p.name());
    Preconditions.checkArgument(names.add(p.name()), "parameter %s declared twice", p.name());
    params.add(p);
    return p;
  }

  /** Lays out every declared parameter in one flat buffer and initialises it from {@code seed}. */
  public void allocate(long seed) {
    Preconditions.checkState(values == null, "already allocated");
    long total = 0;
    for (Param p : params) {
      total += p.length();
    }
    Preconditions.checkState(total > 0, "no parameters declared");
    values = Nd4j.create(dtype, 1, total);
    grads = Nd4j.create(dtype, 1, total);
    long offset = 0;
    for (Param p : params) {
      p.bind(view(values, offset, p.shape()), view(grads, offset, p.shape()));
      offset += p.length();
    }
    initialise(seed);
  }

  /** (Re-)initialises every parameter from {@code seed}: the same seed gives the same weights on any backend. */
  public void initialise(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (Param p : params) {
      switch (p.init()) {
        case ZEROS -> p.value().assign(0.0);
        case ONES -> p.value().assign(1.0);
        case NORMAL -> {
          double[] v = new double[Math.toIntExact(p.length())];
          for (int i = 0; i < v.length; i++) {
            v[i] = gaussian(random) * p.std();
          }
          p.value().assign(Nd4j.create(v, p.shape(), DataType.DOUBLE).castTo(dtype));
        }
      }
    }
  }

  private static double gaussian(SplittableRandom r) {
    // Box–Muller: SplittableRandom has no nextGaussian on Java 17.
    double u1 = r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2.0 * Math.log1p(-u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  private static INDArray view(INDArray flat, long offset, long[] shape) {
    long[] stride = new long[shape.length];
    long s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      stride[i] = s;
      s *= shape[i];
    }
    return Nd4j.create(flat.data(), shape, stride, offset, 'c');
  }

  public List<Param> params() {
    return ImmutableList.copyOf(params);
  }

  public Param get(String name) {
    for (Param p : params) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("no parameter " + name);
  }

  /** All parameters, flat {@code [1, P]}. */
  public INDArray values() {
    return values;
  }

  /** All gradients, flat {@code [1, P]}, same layout as {@link #values()}. */
  public INDArray grads() {
    return grads;
  }

  /**
   * AdamW's parameter groups as a mask: 1 where weight decay applies, 0 elsewhere; flat {@code [1, P]}, a new array.
   *
   * @param embeddings whether the embedding tables decay too (nanoGPT: yes)
   */
  public INDArray decayMask(boolean embeddings) {
    Preconditions.checkState(values != null, "decay mask asked for before allocation");
    INDArray mask = Nd4j.create(dtype, 1, values.length()); // [1, P]
    long offset = 0;
    for (Param p : params) {
      if (p.decay() && (embeddings || !p.embedding())) {
        view(mask, offset, p.shape()).assign(1.0);
      }
      offset += p.length();
    }
    return mask;
  }

  public long count() {
    return values == null ? params.stream().mapToLong(Param::length).sum() : values.length();
  }

  public void zeroGrads() {
    grads.assign(0.0);
  }
}
