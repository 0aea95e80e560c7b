package org.anisoscope.util;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every index is visited exactly once, in parts numbered 0…parts−1; failures reach the caller; nesting is safe. */
class ParallelTest {
  @Test
  void everyIndexOnceInNumberedParts() {
    for (int n : new int[] {0, 1, 2, 3, 7, 1000, 4097}) {
      for (int min : new int[] {1, 2, 100}) {
        AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(1, n));
        int parts = Parallel.parts(n, min);
        AtomicIntegerArray partSeen = new AtomicIntegerArray(parts);
        for (int rep = 0; rep < 50; rep++) {
          Parallel.forParts(n, min, (part, lo, hi) -> {
            partSeen.incrementAndGet(part);
            for (int i = lo; i < hi; i++) {
              seen.incrementAndGet(i);
            }
          });
        }
        for (int i = 0; i < n; i++) {
          assertEquals(50, seen.get(i), "index " + i + " of " + n);
        }
        for (int p = 0; p < parts; p++) {
          assertEquals(50, partSeen.get(p), "part " + p);
        }
      }
    }
  }

  @Test
  void aFailingPartReachesTheCallerAndThePoolStillWorks() {
    assertThrows(IllegalStateException.class, () -> Parallel.forRange(1000, 1, (lo, hi) -> {
      if (hi == 1000) {
        throw new IllegalStateException("last part fails");
      }
    }));
    AtomicIntegerArray seen = new AtomicIntegerArray(1000);
    Parallel.forRange(1000, 1, (lo, hi) -> {
      for (int i = lo; i < hi; i++) {
        seen.incrementAndGet(i);
      }
    });
    for (int i = 0; i < 1000; i++) {
      assertEquals(1, seen.get(i));
    }
  }

  @Test
  void nestedCallsRunInline() {
    AtomicIntegerArray seen = new AtomicIntegerArray(100 * 100);
    Parallel.forRange(100, 1, (lo, hi) -> {
      for (int i = lo; i < hi; i++) {
        int row = i;
        Parallel.forRange(100, 1, (a, b) -> {
          for (int j = a; j < b; j++) {
            seen.incrementAndGet(row * 100 + j);
          }
        });
      }
    });
    for (int i = 0; i < 100 * 100; i++) {
      assertEquals(1, seen.get(i));
    }
  }
}
