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

  /**
   * Parts are claimed by whoever comes first: after the worker has parked (the caller usually finishes its part and
   * takes the worker's before the worker wakes) and in rapid succession (a worker waking late finds an old job
   * already done and must claim nothing of it), every part still runs exactly once per call, and the caller
   * sometimes or always runs a part the worker did not.
   */
  @Test
  void partsAreClaimedOnceWhoeverRunsThem() throws InterruptedException {
    Thread caller = Thread.currentThread();
    int[] byCaller = new int[1];
    for (int rep = 0; rep < 2000; rep++) {
      if (rep % 100 == 0) {
        Thread.sleep(2); // let the worker park
      }
      int parts = Parallel.parts(64, 1);
      AtomicIntegerArray partSeen = new AtomicIntegerArray(parts);
      AtomicIntegerArray onCaller = new AtomicIntegerArray(parts);
      Parallel.forParts(64, 1, (part, lo, hi) -> {
        partSeen.incrementAndGet(part);
        if (Thread.currentThread() == caller) {
          onCaller.incrementAndGet(part);
        }
      });
      int callerParts = 0;
      for (int p = 0; p < parts; p++) {
        assertEquals(1, partSeen.get(p), "rep " + rep + ", part " + p);
        callerParts += onCaller.get(p);
      }
      if (callerParts == parts) {
        byCaller[0]++;
      }
    }
    if (Parallel.threads() > 1) {
      System.out.println("forParts calls whose parts all ran on the caller: " + byCaller[0] + " of 2000");
    }
  }
}
