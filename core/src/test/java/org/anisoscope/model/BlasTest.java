package org.anisoscope.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Blas} against a plain triple loop in double: every transpose combination, alpha/beta, shapes split across
 * threads by rows and by columns, a one-row operand, operands that are views at an offset inside a larger buffer (as
 * the parameters are), and batches.
 */
class BlasTest {
  private long splitWork;

  @org.junit.jupiter.api.BeforeEach
  void splitEverything() {
    splitWork = Blas.setSplitWork(1); // exercise the per-thread row and column blocks on small matrices
  }

  @org.junit.jupiter.api.AfterEach
  void restore() {
    Blas.setSplitWork(splitWork);
  }

  private static double[][] mat(INDArray x, boolean t) {
    INDArray d = x.castTo(DataType.DOUBLE);
    double[][] a = d.toDoubleMatrix();
    if (!t) {
      return a;
    }
    double[][] r = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        r[j][i] = a[i][j];
      }
    }
    return r;
  }

  private static double[][] product(double[][] a, double[][] b) {
    double[][] c = new double[a.length][b[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int k = 0; k < b.length; k++) {
        for (int j = 0; j < b[0].length; j++) {
          c[i][j] += a[i][k] * b[k][j];
        }
      }
    }
    return c;
  }

  /** A [rows, cols] view at a non-zero offset of a larger flat buffer. */
  private static INDArray viewInside(DataType dt, int rows, int cols, long seed) {
    Nd4j.getRandom().setSeed(seed);
    INDArray flat = Nd4j.rand(dt, 1, rows * cols + 37).subi(0.5);
    return flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(37, 37 + rows * cols)).reshape(rows, cols);
  }

  @ParameterizedTest(name = "{0}: m {1}, n {2}, k {3}, ta {4}, tb {5}")
  @CsvSource({"FLOAT, 300, 40, 200, false, false", "FLOAT, 300, 40, 200, true, false",
      "FLOAT, 40, 300, 200, false, true", "FLOAT, 40, 300, 200, true, true", "DOUBLE, 257, 129, 65, true, true",
      "DOUBLE, 1, 600, 3000, false, false", "DOUBLE, 5, 3, 2, false, true", "FLOAT, 64, 1024, 64, true, false"})
  void gemmMatchesTheDefinition(DataType dt, int m, int n, int k, boolean ta, boolean tb) {
    INDArray a = ta ? viewInside(dt, k, m, 1) : viewInside(dt, m, k, 1);
    INDArray b = tb ? viewInside(dt, n, k, 2) : viewInside(dt, k, n, 2);
    INDArray c = viewInside(dt, m, n, 3);
    double[][] c0 = mat(c, false);
    Blas.gemm(a, b, c, ta, tb, 0.5, 2.0);
    double[][] want = product(mat(a, ta), mat(b, tb));
    double tol = dt == DataType.FLOAT ? 1e-4 * Math.sqrt(k) : 1e-12 * k;
    double[][] got = mat(c, false);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double w = 0.5 * want[i][j] + 2.0 * c0[i][j];
        assertTrue(Math.abs(got[i][j] - w) <= tol, "c[" + i + "," + j + "] = " + got[i][j] + ", expected " + w);
      }
    }
  }

  @ParameterizedTest(name = "{0}: ta {1}, tb {2}")
  @CsvSource({"FLOAT, false, false", "FLOAT, false, true", "FLOAT, true, false", "DOUBLE, true, true"})
  void batchedMatchesTheDefinition(DataType dt, boolean ta, boolean tb) {
    int batch = 7;
    int m = 12;
    int n = 9;
    int k = 5;
    Nd4j.getRandom().setSeed(4);
    INDArray a = Nd4j.rand(dt, batch, ta ? k : m, ta ? m : k).subi(0.5);
    INDArray b = Nd4j.rand(dt, batch, tb ? n : k, tb ? k : n).subi(0.5);
    INDArray c = Nd4j.create(dt, batch, m, n).addi(100); // overwritten, not accumulated
    Blas.batched(a, b, c, ta, tb);
    for (int i = 0; i < batch; i++) {
      double[][] want = product(mat(a.slice(i), ta), mat(b.slice(i), tb));
      double[][] got = mat(c.slice(i), false);
      for (int r = 0; r < m; r++) {
        for (int j = 0; j < n; j++) {
          assertTrue(Math.abs(got[r][j] - want[r][j]) <= 1e-5, "c[" + i + "," + r + "," + j + "]");
        }
      }
    }
  }
}
