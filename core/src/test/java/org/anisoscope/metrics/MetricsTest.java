package org.anisoscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void registryHoldsExactlyTheDesignNames() {
    Set<String> expected = new TreeSet<>(List.of("cos_mean", "cos_mean_intra", "cos_mean_inter", "cos_mean_centered",
        "norm_mean_ratio", "pc1_share", "eff_rank", "isoscore", "partition_iw", "outlier_dims", "uniformity"));
    assertEquals(expected, Metrics.registry().names());
    assertEquals(expected, new TreeSet<>(Metrics.ALL));
  }

  @Test
  void createKeepsOrderAndNames() {
    List<Metric> ms = Metrics.create(List.of("isoscore", "cos_mean"));
    assertEquals("isoscore", ms.get(0).name());
    assertEquals("cos_mean", ms.get(1).name());
  }

  @Test
  void unknownNameIsRejectedListingKnownNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Metrics.create(List.of("cos_mean", "cos_maen")));
    assertTrue(e.getMessage().contains("cos_maen") && e.getMessage().contains("uniformity"), e.getMessage());
  }

  @Test
  void repeatedNameIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Metrics.create(List.of("cos_mean", "cos_mean")));
  }

  /** Every metric yields one finite value named after itself on ordinary data. */
  @Test
  void everyMetricComputesAFiniteValue() {
    int n = 300;
    int d = 12;
    float[] x = TestVectors.gaussian(n, d, 17);
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = i / 30;
      x[i * d] += 1;
    }
    HookVectors v = new HookVectors(x, n, d, ids);
    for (Metric m : Metrics.create(Metrics.ALL)) {
      var out = m.compute(v);
      assertEquals(Set.of(m.name()), out.keySet());
      assertTrue(Double.isFinite(out.get(m.name())), m.name() + " = " + out);
    }
  }
}
