package org.anisoscope.util;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Opt-in wall-time accounting of the training step's sections ({@code -Danisoscope.timing=true}), for finding
 * where a step's time goes. Off by default: then each call is one static boolean test.
 */
public final class Timing {
  public static final boolean ENABLED = Boolean.getBoolean("anisoscope.timing");
  private static final Map<String, long[]> TOTALS = new TreeMap<>();

  private Timing() {
  }

  /** A start mark (0 when disabled). */
  public static long start() {
    return ENABLED ? System.nanoTime() : 0;
  }

  /** Adds the time since {@code start} to {@code label}; returns a new start mark. */
  public static long lap(String label, long start) {
    if (!ENABLED) {
      return 0;
    }
    long now = System.nanoTime();
    synchronized (TOTALS) {
      long[] t = TOTALS.computeIfAbsent(label, k -> new long[2]);
      t[0] += now - start;
      t[1]++;
    }
    return now;
  }

  /** The accumulated totals, largest first, and resets them. */
  public static String report() {
    StringBuilder sb = new StringBuilder();
    synchronized (TOTALS) {
      long all = TOTALS.values().stream().mapToLong(t -> t[0]).sum();
      TOTALS.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).forEach(e ->
          sb.append(String.format(Locale.ROOT, "%-28s %9.1f ms %6.1f %% %7d calls%n", e.getKey(),
              e.getValue()[0] / 1e6, 100.0 * e.getValue()[0] / Math.max(1, all), e.getValue()[1])));
      TOTALS.clear();
    }
    return sb.toString();
  }
}
