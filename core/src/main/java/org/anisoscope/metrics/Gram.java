package org.anisoscope.metrics;

import com.google.common.base.Preconditions;
import org.anisoscope.model.Blas;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code C += XᵀX} for the scatter matrices of {@link SecondMoments}: a symmetric rank-k update (OpenBLAS
 * {@code cblas_dsyrk}) fills one triangle only, half the multiply-adds of the full GEMM, and {@link #mirrorLower}
 * copies it to the other once all blocks are in (O(d²)).
 */
final class Gram {
  private Gram() {
  }

  /**
   * The lower triangle of {@code c} ({@code [d, d]} f-order DOUBLE) += {@code blockᵀ·block} ({@code block}
   * {@code [rows, d]} c-order DOUBLE). Without direct OpenBLAS access (another backend) or on views, a full GEMM.
   */
  static void addLower(INDArray block, INDArray c) {
    int d = (int) c.rows();
    Preconditions.checkArgument(c.columns() == d && block.columns() == d,
        "Gram: block [%s, %s] against C [%s, %s]", block.rows(), block.columns(), c.rows(), c.columns());
    if (!Blas.direct() || !plain(block, 'c') || !plain(c, 'f')) {
      Nd4j.gemm(block, block, c, true, false, 1.0, 1.0); // [d, rows]·[rows, d]
      return;
    }
    // A c-order [rows, d] block is the column-major [d, rows] matrix Xᵀ (leading dimension d): C += Xᵀ·(Xᵀ)ᵀ.
    openblas_nolapack.cblas_dsyrk(openblas_nolapack.CblasColMajor, openblas_nolapack.CblasLower,
        openblas_nolapack.CblasNoTrans, d, (int) block.rows(), 1.0,
        new DoublePointer(block.data().addressPointer()), d, 1.0, new DoublePointer(c.data().addressPointer()), d);
  }

  /** Copies the lower triangle of {@code c} ({@code [d, d]} f-order DOUBLE) onto the upper one. */
  static void mirrorLower(INDArray c) {
    int d = (int) c.rows();
    Preconditions.checkArgument((long) d * d <= Integer.MAX_VALUE, "Gram: C [%s, %s] too large", d, d);
    double[] a = c.data().asDouble(); // f-order: (i, j) at i + j·d
    for (int j = 0; j < d; j++) {
      for (int i = j + 1; i < d; i++) {
        a[j + i * d] = a[i + j * d];
      }
    }
    c.data().setData(a);
  }

  /** A whole DOUBLE buffer at offset 0, unit-stride in the given order (so its address is the matrix's). */
  private static boolean plain(INDArray x, char order) {
    return x.dataType() == DataType.DOUBLE && !x.isView() && x.offset() == 0 && x.ordering() == order
        && x.length() == x.data().length();
  }
}
