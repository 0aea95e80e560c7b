package org.anisoscope.model;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link NativeRows}: copies land where ND4J reads them, and array ranges are checked. */
class NativeRowsTest {
  @Test
  void copiesRowsBothWays() {
    Assumptions.assumeTrue(NativeRows.AVAILABLE, "sun.misc.Unsafe unavailable");
    INDArray x = Nd4j.create(DataType.FLOAT, 4, 10);
    for (int e = 0; e < 40; e++) {
      x.data().put(e, e * 0.5f);
    }
    long address = x.data().addressPointer().address();
    float[] row = new float[12];
    NativeRows.get(address, 23, row, 2, 7);                 // floats 23..29 into row[2..9)
    for (int j = 0; j < 12; j++) {
      assertEquals(j >= 2 && j < 9 ? (21 + j) * 0.5f : 0f, row[j], 0f, "row[" + j + "]");
    }
    float[] src = {1, 2, 3, 4, 5};
    NativeRows.put(src, 1, address, 37, 3);                 // src[1..4) into floats 37..39
    assertEquals(2f, x.data().getFloat(37), 0f);
    assertEquals(3f, x.data().getFloat(38), 0f);
    assertEquals(4f, x.data().getFloat(39), 0f);
    assertEquals(36 * 0.5f, x.data().getFloat(36), 0f, "the float before is untouched");
    assertThrows(IndexOutOfBoundsException.class, () -> NativeRows.get(address, 0, row, 8, 5));
    assertThrows(IndexOutOfBoundsException.class, () -> NativeRows.put(src, 3, address, 0, 3));
  }
}
