package org.anisoscope.metrics;

import org.bytedeco.javacpp.DoublePointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Streams the rows of {@link HookVectors} to ND4J as double-precision blocks {@code [rows, d]}, so an O(N·d²) GEMM
 * over 10⁵ rows needs 16 MiB of off-heap memory rather than a double copy of the whole matrix. The block array is
 * reused. On the CPU backend the rows go straight into the array's host memory (a memcpy, ~4× faster than
 * {@code DataBuffer.setData}, and ~20× faster than creating an array from a {@code double[]} per block in M2.1);
 * other backends use {@code setData}, which keeps their device copy in sync.
 */
final class RowBlocks {
  /** Rows per block: 4096 × 512 doubles = 16 MiB, large enough that GEMM runs near its peak. */
  static final int BLOCK_ROWS = 4096;

  /** Receives one block; it is overwritten after {@code accept} returns. */
  interface Consumer {
    void accept(INDArray block, int firstRow, int rows);
  }

  private static final boolean HOST_MEMORY = Nd4j.getEnvironment().isCPU();

  private RowBlocks() {}

  /** {@code target}'s buffer ← {@code values} (same length, {@code target} a fresh c-order DOUBLE array). */
  static void copyInto(INDArray target, double[] values) {
    if (HOST_MEMORY && target.data().addressPointer() instanceof DoublePointer p) {
      p.put(values, 0, values.length);
    } else {
      target.data().setData(values);
    }
  }

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
      copyInto(target, b);
      consumer.accept(target, start, rows);
    }
  }
}
