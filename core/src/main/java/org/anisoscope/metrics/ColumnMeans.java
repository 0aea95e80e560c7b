package org.anisoscope.metrics;

/** Per-dimension means of the rows, in double precision. */
final class ColumnMeans {
  private ColumnMeans() {}

  /**
   * {@code [d]}: {@code mean_i x_ij}; all NaN when there are no rows. Inside a {@link SharedStatistics} scope for
   * {@code v} the scope's array, computed once: do not modify.
   */
  static double[] of(HookVectors v) {
    SharedStatistics scope = SharedStatistics.of(v);
    return scope != null ? scope.means() : compute(v);
  }

  static double[] compute(HookVectors v) {
    int n = v.n();
    int d = v.d();
    float[] x = v.data();
    double[] m = new double[d];
    for (int i = 0; i < n; i++) {
      int off = i * d;
      for (int j = 0; j < d; j++) {
        m[j] += x[off + j];
      }
    }
    for (int j = 0; j < d; j++) {
      m[j] /= n;
    }
    return m;
  }
}
