package org.anisoscope.metrics;

import com.google.common.base.Preconditions;

/**
 * The probe vectors of one hook at one probe step: {@code n} rows of dimension {@code d}, row-major float32,
 * and the probe-sequence id of each row (rows of one sequence share an id).
 */
public final class HookVectors {
  private final float[] data;
  private final int n;
  private final int d;
  private final int[] sequenceIds;

  public HookVectors(float[] data, int n, int d, int[] sequenceIds) {
    Preconditions.checkArgument(n >= 0 && d > 0, "bad shape [%s, %s]", n, d);
    Preconditions.checkArgument(data.length == (long) n * d, "data has %s floats, shape [%s, %s] needs %s",
        data.length, n, d, (long) n * d);
    Preconditions.checkArgument(sequenceIds.length == n, "%s sequence ids for %s rows", sequenceIds.length, n);
    this.data = data;
    this.n = n;
    this.d = d;
    this.sequenceIds = sequenceIds;
  }

  /** All rows in one sequence (id 0). */
  public static HookVectors of(float[] data, int n, int d) {
    return new HookVectors(data, n, d, new int[n]);
  }

  /** Row-major {@code [n, d]}; not copied: do not modify. */
  public float[] data() {
    return data;
  }

  public int n() {
    return n;
  }

  public int d() {
    return d;
  }

  /** Not copied: do not modify. */
  public int[] sequenceIds() {
    return sequenceIds;
  }

  public float get(int row, int col) {
    return data[row * d + col];
  }
}
