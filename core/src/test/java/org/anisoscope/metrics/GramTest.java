package org.anisoscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.junit.jupiter.api.Test;

/** The symmetric rank-k update against the sums written out, over two accumulated blocks and a view (GEMM path). */
class GramTest {
  @Test
  void twoBlocksAndAViewAddUpToTheFullGram() {
    int d = 7;
    Random rnd = new Random(3);
    double[][] rows = new double[13][d];
    for (double[] r : rows) {
      for (int j = 0; j < d; j++) {
        r[j] = rnd.nextGaussian() + (j == 2 ? 5 : 0);
      }
    }
    INDArray c = Nd4j.create(DataType.DOUBLE, new long[] {d, d}, 'f'); // [d, d]
    Gram.addLower(block(rows, 0, 5), c);
    Gram.addLower(block(rows, 5, 9), c);
    INDArray wide = block(rows, 9, 13);
    INDArray padded = Nd4j.create(DataType.DOUBLE, new long[] {4, d + 2}, 'c');
    padded.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(1, d + 1))
        .assign(wide);
    Gram.addLower(padded.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
        org.nd4j.linalg.indexing.NDArrayIndex.interval(1, d + 1)), c); // a view: the full-GEMM fallback
    Gram.mirrorLower(c);
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < d; b++) {
        double s = 0;
        for (double[] r : rows) {
          s += r[a] * r[b];
        }
        assertEquals(s, c.getDouble(a, b), 1e-12 * 13 * 30, "C[" + a + "," + b + "]");
      }
    }
  }

  private static INDArray block(double[][] rows, int from, int to) {
    INDArray b = Nd4j.create(DataType.DOUBLE, new long[] {to - from, rows[0].length}, 'c'); // [rows, d]
    for (int i = from; i < to; i++) {
      for (int j = 0; j < rows[0].length; j++) {
        b.putScalar(i - from, j, rows[i][j]);
      }
    }
    return b;
  }
}
