package org.anisoscope.device;

/**
 * A counter-based random number: a pure function of (seed, index), so a dropout mask is the same on any device, any
 * number of threads and any launch shape. The mix is SplitMix64's finaliser (Steele, Lea, Flood 2014) applied to
 * {@code seed + (index + 1)·γ}; the CUDA kernel {@code dropout.cu} computes the same bits.
 */
public final class CounterRng {
  /** SplitMix64's increment (the golden ratio in 64 bits). */
  public static final long GAMMA = 0x9E3779B97F4A7C15L;

  private CounterRng() {}

  /** 64 random bits for element {@code index} under {@code seed}. */
  public static long bits(long seed, long index) {
    long z = seed + (index + 1) * GAMMA;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A uniform float in [0, 1) from the top 24 bits (exact in float32, the same on the GPU). */
  public static float uniform(long seed, long index) {
    return (bits(seed, index) >>> 40) * 0x1.0p-24f;
  }
}
