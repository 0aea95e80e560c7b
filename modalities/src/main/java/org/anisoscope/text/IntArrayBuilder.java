package org.anisoscope.text;

import java.util.Arrays;

/** A growable {@code int[]}, so encoding megabytes of text does not box every id. */
final class IntArrayBuilder {
  private int[] data;
  private int size;

  IntArrayBuilder(int capacity) {
    data = new int[Math.max(16, capacity)];
  }

  void add(int v) {
    if (size == data.length) {
      data = Arrays.copyOf(data, data.length * 2);
    }
    data[size++] = v;
  }

  void addAll(int[] vs) {
    if (size + vs.length > data.length) {
      data = Arrays.copyOf(data, Math.max(data.length * 2, size + vs.length));
    }
    System.arraycopy(vs, 0, data, size, vs.length);
    size += vs.length;
  }

  int[] toArray() {
    return Arrays.copyOf(data, size);
  }
}
