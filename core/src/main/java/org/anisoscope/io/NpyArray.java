package org.anisoscope.io;

import com.google.common.base.Preconditions;
import java.util.Arrays;

/** An array read from a {@code .npy} file: float32 data in row-major (C) order and its shape. */
public final class NpyArray {
  private final float[] data;
  private final long[] shape;

  public NpyArray(float[] data, long... shape) {
    Preconditions.checkArgument(Npy.elementCount(shape) == data.length, "%s floats for shape %s",
        data.length, Arrays.toString(shape));
    this.data = data;
    this.shape = shape.clone();
  }

  /** Row-major; not copied. */
  public float[] data() {
    return data;
  }

  public long[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  /** The shape as NumPy prints it, e.g. {@code (3, 4)} or {@code (5,)}. */
  public String shapeString() {
    return Npy.shapeTuple(shape);
  }

  @Override
  public String toString() {
    return "NpyArray" + shapeString();
  }
}
