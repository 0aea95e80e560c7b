package org.anisoscope.audio;

import com.google.common.base.Preconditions;

/**
 * A mono recording: samples in [-1, 1] (full scale of the source encoding) at {@code sampleRate} Hz.
 *
 * @param samples the waveform (owned by the record; callers do not modify it)
 */
public record Audio(float[] samples, int sampleRate) {
  public Audio {
    Preconditions.checkArgument(samples != null, "samples is null");
    Preconditions.checkArgument(sampleRate > 0, "sample rate must be positive, got %s", sampleRate);
  }

  public double seconds() {
    return samples.length / (double) sampleRate;
  }
}
