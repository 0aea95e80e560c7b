package org.anisoscope.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Streams the rows of {@link HookVectors} to ND4J as double-precision blocks {@code [rows, d]}, so an O(N·d²) GEMM
 * over 10⁵ rows needs 16 MiB of off-heap memory rather than a double copy of the whole matrix. The block array is
 * reused; {@code DataBuffer.setData} is a bulk copy (creating an array from a {@code double[]} per block measured
 * ~20× slower in M2.1).
 */
final class RowBlocks {
  /** Rows per block: 4096 × 512 doubles = 16 MiB, large enough that GEMM runs near its peak. */
  static final int BLOCK_ROWS = 4096;

  /** Receives one block; it is overwritten after {@code accept} returns. */
  interface Consumer {
    void accept(INDArray block, int firstRow, int rows);
  }

  private RowBlocks() {}

  /** @param centre subtracted from every row, or {@code null} */
  static void forEach(HookVectors v, double[] centre, Consumer consumer) {
    int n = v.n();
    int d = v.d();
    float[] x = v.data();
    int full = Math.min(BLOCK_ROWS, n);
    double[] buf = new double[full * d];
    INDArray block = full == 0 ? null : Nd4j.create(DataType.DOUBLE, new long[] {full, d}, 'c'); // [B, d]
    for (int start = 0; start < n; start += BLOCK_ROWS) {
      int rows = Math.min(BLOCK_ROWS, n - start);
      double[] b = rows == full ? buf : new double[rows * d];
      int off = start * d;
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < d; j++) {
          int k = i * d + j;
          b[k] = centre == null ? x[off + k] : x[off + k] - centre[j];
        }
      }
      INDArray target = rows == full ? block : Nd4j.create(DataType.DOUBLE, new long[] {rows, d}, 'c');
      target.data().setData(b);
      consumer.accept(target, start, rows);
    }
  }
}
