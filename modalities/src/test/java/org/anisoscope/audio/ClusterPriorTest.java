package org.anisoscope.audio;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The cluster prior a masked-cluster run is compared with: shares, majority share and entropy in closed form. */
class ClusterPriorTest {
  @Test
  void sharesMajorityAndEntropyOfAKnownLabelling() {
    Clip a = new Clip(null, null, new float[0], 3, new int[] {0, 0, 1});
    Clip b = new Clip(null, null, new float[0], 1, new int[] {2});
    double[] prior = AudioData.clusterPrior(List.of(a, b), 4);
    assertArrayEquals(new double[] {0.5, 0.25, 0.25, 0}, prior, 1e-15);
    assertEquals(0.5, AudioData.majority(prior), 0);
    assertEquals(1.5 * Math.log(2), AudioData.entropy(prior), 1e-15); // −(½ ln ½ + 2 · ¼ ln ¼)
  }
}
