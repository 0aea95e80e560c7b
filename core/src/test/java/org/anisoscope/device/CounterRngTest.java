package org.anisoscope.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CounterRngTest {
  @Test
  void matchesSplitMix64sPublishedFirstOutput() {
    // SplitMix64 seeded with 0 returns 0xE220A8397B1DCDAF first (the reference implementation's output)
    assertEquals(0xE220A8397B1DCDAFL, CounterRng.bits(0, 0));
  }

  @Test
  void uniformIsInUnitIntervalAndMeanHalf() {
    double sum = 0;
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      float u = CounterRng.uniform(42, i);
      assertEquals(true, u >= 0f && u < 1f, "u = " + u);
      sum += u;
    }
    assertEquals(0.5, sum / n, 0.005);
  }
}
