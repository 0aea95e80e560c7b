package org.anisoscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SharedStatisticsTest {
  /** Anisotropic Gaussian rows in 30 sequences (what the spectral and sequence metrics all need). */
  private static HookVectors vectors(long seed) {
    return MetricsBenchmark.vectors(3000, 24, seed);
  }

  private static Map<String, Double> alone(List<Metric> metrics, HookVectors v) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Metric m : metrics) {
      SecondMoments.clearCache();
      UnitVectorSums.clearCache();
      out.putAll(m.compute(v));
    }
    return out;
  }

  /** Every metric inside one scope gives exactly (to the bit) what it gives computed alone, caches cleared. */
  @Test
  void sharedValuesEqualSeparateOnes() {
    List<Metric> metrics = Metrics.create(Metrics.ALL);
    HookVectors v = vectors(5);
    Map<String, Double> shared = new LinkedHashMap<>();
    try (SharedStatistics s = SharedStatistics.open(v)) {
      for (Metric m : metrics) {
        shared.putAll(m.compute(v));
      }
      shared.putAll(Bootstrap.withInterval(new MeanPairwiseCosine(), v, 50, 9));
    }
    Map<String, Double> separate = alone(metrics, v);
    UnitVectorSums.clearCache();
    separate.putAll(Bootstrap.withInterval(new MeanPairwiseCosine(), v, 50, 9));
    assertEquals(separate, shared);
    assertEquals(Metrics.ALL.size() + 2, shared.size());
  }

  @Test
  void statisticsAreBuiltOncePerScopeAndOnlyForItsVectors() {
    HookVectors v = vectors(6);
    HookVectors other = vectors(7);
    SecondMoments first;
    try (SharedStatistics s = SharedStatistics.open(v)) {
      first = SecondMoments.of(v);
      assertSame(first, SecondMoments.of(v));
      assertSame(UnitVectorSums.of(v, null), UnitVectorSums.of(v, null));
      assertSame(ColumnMeans.of(v), ColumnMeans.of(v));
      assertSame(first.mean, ColumnMeans.of(v), "the moments use the scope's column means");
      assertNull(SharedStatistics.of(other), "another object gets the checksummed caches");
      assertNotSame(ColumnMeans.of(other), ColumnMeans.of(other));
    }
    assertNull(SharedStatistics.of(v), "closed");
    try (SharedStatistics s = SharedStatistics.open(v)) {
      assertNotSame(first, SecondMoments.of(v), "a new scope builds its own (the data may have changed between)");
    }
  }

  /** A refilled buffer inside a new scope gets fresh statistics: the scope promises nothing beyond its close. */
  @Test
  void aRefilledBufferGetsFreshValuesInTheNextScope() {
    HookVectors v = vectors(8);
    Metric isoscore = new IsoScore();
    double before;
    try (SharedStatistics s = SharedStatistics.open(v)) {
      before = isoscore.compute(v).get(IsoScore.NAME);
    }
    float[] replacement = vectors(9).data();
    System.arraycopy(replacement, 0, v.data(), 0, replacement.length);
    double after;
    try (SharedStatistics s = SharedStatistics.open(v)) {
      after = isoscore.compute(v).get(IsoScore.NAME);
    }
    SecondMoments.clearCache();
    assertEquals(isoscore.compute(v).get(IsoScore.NAME), after);
    assertEquals(false, before == after, "the two data sets differ");
  }

  @Test
  void nestedScopesRestoreTheOuterOneAndScopesArePerThread() throws Exception {
    HookVectors outer = vectors(10);
    HookVectors inner = vectors(11);
    try (SharedStatistics a = SharedStatistics.open(outer)) {
      try (SharedStatistics b = SharedStatistics.open(inner)) {
        assertSame(b, SharedStatistics.of(inner));
        assertNull(SharedStatistics.of(outer));
      }
      assertSame(a, SharedStatistics.of(outer));
      AtomicReference<SharedStatistics> seen = new AtomicReference<>(a);
      Thread t = new Thread(() -> seen.set(SharedStatistics.of(outer)));
      t.start();
      t.join();
      assertNull(seen.get(), "another thread does not see this thread's scope");
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread closer = new Thread(() -> {
        try {
          a.close();
        } catch (IllegalStateException e) {
          failure.set(e);
        }
      });
      closer.start();
      closer.join();
      assertEquals(IllegalStateException.class, failure.get().getClass());
    }
    assertNull(SharedStatistics.of(outer));
  }

  @Test
  void nullVectorsAreRefused() {
    assertThrows(NullPointerException.class, () -> SharedStatistics.open(null));
  }
}
