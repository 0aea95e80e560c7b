package org.anisoscope.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code @ExtendWith(DoublePrecision.class)}: ND4J's default data types are DOUBLE for the test class (gradient
 * checks), and whatever they were before afterwards. The defaults are JVM-wide: a class that set them and left them
 * would make every later test class in the same surefire JVM run in double precision without saying so.
 */
public final class DoublePrecision implements BeforeAllCallback, AfterAllCallback {
  private DataType savedDefault;
  private DataType savedFloating;

  @Override
  public void beforeAll(ExtensionContext context) {
    savedDefault = Nd4j.dataType();
    savedFloating = Nd4j.defaultFloatingPointType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Nd4j.setDefaultDataTypes(savedDefault, savedFloating);
  }
}
