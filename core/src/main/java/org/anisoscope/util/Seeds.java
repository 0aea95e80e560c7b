package org.anisoscope.util;

/**
 * Derives independent seeds from (run seed, stream, index) with a 64-bit finaliser (MurmurHash3's fmix64), so
 * every random draw of a run is a pure function of its position: batch k of a resumed run is batch k of an
 * uninterrupted one, and the probe or evaluation never shift the training stream.
 */
public final class Seeds {
  /** Streams: one per independent consumer of randomness. */
  public static final long TRAIN_BATCHES = 1;
  public static final long DROPOUT = 2;
  public static final long EVAL_BATCHES = 3;
  public static final long PROBE_SET = 4;
  public static final long SAMPLING = 5;
  public static final long MASKING = 6;

  private Seeds() {
  }

  public static long derive(long seed, long stream, long index) {
    return fmix(fmix(seed ^ 0x9E3779B97F4A7C15L * stream) + index * 0xC2B2AE3D27D4EB4FL);
  }

  private static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
