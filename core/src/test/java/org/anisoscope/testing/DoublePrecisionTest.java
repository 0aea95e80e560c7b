package org.anisoscope.testing;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The extension switches to double and puts back exactly what was there. */
class DoublePrecisionTest {
  @Test
  void restoresTheDefaultsItFound() {
    DataType before = Nd4j.dataType();
    DataType beforeFloating = Nd4j.defaultFloatingPointType();
    try {
      Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
      DoublePrecision ext = new DoublePrecision();
      ext.beforeAll(null);
      assertEquals(DataType.DOUBLE, Nd4j.dataType());
      assertEquals(DataType.DOUBLE, Nd4j.defaultFloatingPointType());
      ext.afterAll(null);
      assertEquals(DataType.FLOAT, Nd4j.dataType());
      assertEquals(DataType.FLOAT, Nd4j.defaultFloatingPointType());
    } finally {
      Nd4j.setDefaultDataTypes(before, beforeFloating);
    }
  }
}
