package org.anisoscope.control;

import org.anisoscope.metrics.HookVectors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ActivationVectorsTest {
  /** NCHW [2, 3, 1, 2]: value = 100·b + 10·c + position; rows (b, position), columns channels. */
  @Test
  void convolutionOutputsGiveOneChannelVectorPerPosition() {
    INDArray a = Nd4j.create(DataType.FLOAT, 2, 3, 1, 2);
    for (int b = 0; b < 2; b++) {
      for (int c = 0; c < 3; c++) {
        for (int p = 0; p < 2; p++) {
          a.putScalar(new int[] {b, c, 0, p}, 100 * b + 10 * c + p);
        }
      }
    }
    HookVectors v = ActivationVectors.of(a);
    assertEquals(4, v.n());
    assertEquals(3, v.d());
    assertArrayEquals(new int[] {0, 0, 1, 1}, v.sequenceIds());
    assertArrayEquals(new float[] {0, 10, 20, 1, 11, 21, 100, 110, 120, 101, 111, 121}, v.data());
    assertEquals(2, ActivationVectors.positions(a));
  }

  @Test
  void denseOutputsGiveOneVectorPerExample() {
    INDArray a = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}, {5, 6}});
    HookVectors v = ActivationVectors.of(a);
    assertEquals(3, v.n());
    assertArrayEquals(new int[] {0, 1, 2}, v.sequenceIds());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, v.data());
    assertEquals(1, ActivationVectors.positions(a));
  }

  /** NCW [1, 2, 3] (a recurrent layer): one vector of 2 per time step. */
  @Test
  void recurrentOutputsGiveOneVectorPerTimeStep() {
    INDArray a = Nd4j.createFromArray(new float[][][] {{{1, 2, 3}, {4, 5, 6}}});
    HookVectors v = ActivationVectors.of(a);
    assertEquals(3, v.n());
    assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, v.data());
  }
}
