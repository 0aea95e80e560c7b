package org.anisoscope.probe;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** A head's slice of a [B, H, T, X] hook, bulk-copied, equals ND4J's view of it (plain buffers and others). */
class HeadSliceTest {
  private static float[] viaNd4j(INDArray a, int head) {
    return a.get(NDArrayIndex.all(), NDArrayIndex.point(head), NDArrayIndex.all(), NDArrayIndex.all())
        .castTo(DataType.FLOAT).dup('c').data().asFloat();
  }

  @Test
  void equalsTheNd4jView() {
    Nd4j.getRandom().setSeed(3);
    INDArray plain = Nd4j.rand(DataType.FLOAT, 3, 4, 5, 6);                        // [B, H, T, X]
    INDArray fOrder = plain.dup('f');
    INDArray dbl = plain.castTo(DataType.DOUBLE);
    for (int h = 0; h < 4; h++) {
      assertArrayEquals(viaNd4j(plain, h), HeadSlice.of(plain, h), "head " + h);
      assertArrayEquals(viaNd4j(plain, h), HeadSlice.of(fOrder, h), "f-order, head " + h);
      assertArrayEquals(viaNd4j(plain, h), HeadSlice.of(dbl, h), "double, head " + h);
    }
  }
}
