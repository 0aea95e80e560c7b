package org.anisoscope.audio;

import java.util.Locale;

/**
 * What the frontend reads per frame. Both kinds share one frame grid at 16 kHz: frame t covers samples
 * {@code [320·t, 320·t + 400)} (25 ms windows every 20 ms, wav2vec 2.0's output rate), so log-mel targets and
 * cluster ids line up with either input.
 */
public enum AudioFeatures {
  /** The raw 400 samples of each window (the utterance's waveform scaled to zero mean, unit variance): with the
   * frontend's learned linear projection, a one-layer strided convolution (kernel 400, stride 320). */
  FRAMES("frames", 400),
  /** 80 log-mel energies per window ({@link LogMel}), standardised per mel bin with the training split's mean and
   * standard deviation. */
  LOG_MEL("log-mel", 80);

  public static final int RATE = 16_000;
  public static final int WINDOW = 400;
  public static final int HOP = 320;
  public static final int MELS = 80;

  private final String key;
  private final int width;

  AudioFeatures(String key, int width) {
    this.key = key;
    this.width = width;
  }

  /** The config value ({@code data.audio.features}). */
  public String key() {
    return key;
  }

  /** Values per frame: the frontend's input width. */
  public int width() {
    return width;
  }

  public static AudioFeatures of(String key) {
    for (AudioFeatures f : values()) {
      if (f.key.equals(key)) {
        return f;
      }
    }
    throw new IllegalArgumentException("audio features '" + key + "': expected frames or log-mel");
  }

  /** Whole frames of the grid in {@code samples} samples. */
  public static int frames(int samples) {
    return samples < WINDOW ? 0 : 1 + (samples - WINDOW) / HOP;
  }

  /** The log-mel of the shared grid. */
  public static LogMel logMel() {
    return new LogMel(RATE, WINDOW, HOP, 512, MELS);
  }

  @Override
  public String toString() {
    return key.toLowerCase(Locale.ROOT);
  }
}
