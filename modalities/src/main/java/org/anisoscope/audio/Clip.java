package org.anisoscope.audio;

/**
 * One utterance ready for batching: its 16 kHz waveform (for {@link AudioFeatures#FRAMES}), its standardised
 * log-mel rows {@code [frames, 80]} (inputs for {@link AudioFeatures#LOG_MEL}, targets of masked regression) and
 * its k-means cluster ids {@code [frames]} (masked-cluster; null otherwise).
 *
 * @param wave standardised waveform (zero mean, unit variance), or null when the frames are not read
 */
record Clip(Utterance utterance, float[] wave, float[] mel, int frames, int[] clusters) {
  Clip withClusters(int[] ids) {
    return new Clip(utterance, wave, mel, frames, ids);
  }
}
