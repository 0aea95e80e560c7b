package org.anisoscope.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A layer's preallocated activation and gradient buffers, one set per shape: allocated on first use, reused on
 * every later step of the same shape (training, probing and sampling each use their own batch shape, so they
 * never overwrite each other's buffers).
 */
public final class Buffers {
  private final DataType dtype;
  private final Map<Key, INDArray> arrays = new HashMap<>();

  public Buffers(DataType dtype) {
    this.dtype = dtype;
  }

  /** The c-order buffer called {@code name} with this shape; its content is whatever was last written. */
  public INDArray get(String name, long... shape) {
    return arrays.computeIfAbsent(new Key(name, shape), k -> Nd4j.create(dtype, shape));
  }

  /**
   * A layer's name without its block index ({@code blocks.3.mlp.fc} → {@code mlp.fc}): the key of its arrays in
   * the shared backward scratch ({@link ParamStore#scratch}), the same for that layer in every block.
   */
  public static String role(String name) {
    return name.replaceFirst("^blocks\\.\\d+\\.", "");
  }

  /** A {@code [1, n]} row of ones (column sums as one GEMM: {@code 1ᵀ X}, far faster than ND4J's sum(0)). */
  public INDArray ones(long n) {
    INDArray o = arrays.get(new Key("__ones", new long[] {1, n}));
    if (o == null) {
      o = Nd4j.ones(dtype, 1, n);
      arrays.put(new Key("__ones", new long[] {1, n}), o);
    }
    return o;
  }

  /** {@code acc += Σ_rows x}: column sums of {@code x [n, m]} added into {@code acc [1, m]}. */
  public void addColumnSums(INDArray x, INDArray acc) {
    if (Kernels.fused(x) && x.rank() == 2) {
      Kernels.addColumnSums(x, acc);
      return;
    }
    Blas.gemm(ones(x.size(0)), x, acc, false, false, 1.0, 1.0);
  }

  /** Elements of all buffers held (what a layer keeps between passes; tests of its memory read it). */
  public long floats() {
    return arrays.values().stream().mapToLong(INDArray::length).sum();
  }

  /** Elements of the largest buffer held. */
  public long largest() {
    return arrays.values().stream().mapToLong(INDArray::length).max().orElse(0);
  }

  private record Key(String name, long[] shape) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.name.equals(name) && Arrays.equals(k.shape, shape);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(shape);
    }
  }
}
