package org.anisoscope.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The learning-rate schedule and global-norm clipping against values worked out by hand. */
class LrScheduleAndClipTest {
  /**
   * lr 1e-3, min 1e-4, 4 warm-up steps, 14 in all. Warm-up: lr·(s+1)/5. Cosine over steps 4…14 (10 steps):
   * s = 6 → ratio 0.2, coefficient (1 + cos 36°)/2 = (1 + 0.80901699)/2 = 0.90450850, lr = 1e-4 + 0.9045085·9e-4;
   * s = 9 → ratio 0.5, coefficient 0.5, lr = 1e-4 + 4.5e-4; from s = 14 on: 1e-4.
   */
  @Test
  void warmUpThenCosineThenFloor() {
    LrSchedule s = new LrSchedule(1e-3, 1e-4, 4, 14);
    assertEquals(2e-4, s.at(0), 1e-15);
    assertEquals(4e-4, s.at(1), 1e-15);
    assertEquals(8e-4, s.at(3), 1e-15);
    assertEquals(1e-3, s.at(4), 1e-15);
    assertEquals(9.1405765e-4, s.at(6), 1e-11);
    assertEquals(5.5e-4, s.at(9), 1e-15);
    assertEquals(1e-4, s.at(14), 1e-15);
    assertEquals(1e-4, s.at(1000), 1e-15);
  }

  @Test
  void noWarmUpStartsAtThePeak() {
    LrSchedule s = new LrSchedule(2e-3, 0.0, 0, 4);
    assertEquals(2e-3, s.at(0), 1e-15);
    assertEquals(1e-3, s.at(2), 1e-15);                 // ratio 0.5
    assertEquals(2e-3 * (1 + Math.sqrt(0.5)) / 2, s.at(1), 1e-15); // ratio 0.25: cos 45°
  }

  @Test
  void clippingScalesToTheThresholdOnlyAboveIt() {
    INDArray g = Nd4j.create(new double[] {3, 0, -4, 0}, new long[] {1, 4}, DataType.FLOAT); // ‖g‖ = 5
    assertEquals(5.0, TrainingStep.clip(g, 1.0), 1e-6);
    assertArrayEquals(new double[] {0.6, 0, -0.8, 0}, g.toDoubleVector(), 1e-6);
    assertEquals(1.0, TrainingStep.clip(g, 1.0), 1e-6, "at the threshold: unchanged");
    assertArrayEquals(new double[] {0.6, 0, -0.8, 0}, g.toDoubleVector(), 1e-6);
    INDArray h = Nd4j.create(new double[] {3, 4}, new long[] {1, 2}, DataType.FLOAT);
    assertEquals(5.0, TrainingStep.clip(h, 10.0), 1e-6);
    assertArrayEquals(new double[] {3, 4}, h.toDoubleVector(), 1e-6, "below the threshold");
    assertEquals(5.0, TrainingStep.clip(h, 0.0), 1e-6);
    assertArrayEquals(new double[] {3, 4}, h.toDoubleVector(), 1e-6, "0 = off");
  }

  @Test
  void nonFiniteNormLeavesTheGradientsAlone() {
    INDArray g = Nd4j.create(new double[] {Double.NaN, 4}, new long[] {1, 2}, DataType.FLOAT);
    assertEquals(Double.NaN, TrainingStep.clip(g, 1.0));
    assertEquals(4.0, g.getDouble(1), 0.0);
  }
}
