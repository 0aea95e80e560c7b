package org.anisoscope.audio;

import com.google.common.base.Preconditions;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Reads a split's recordings into {@link Clip}s: WAV → mono → 16 kHz ({@link Resampler}) → waveform
 * standardisation and log-mel; log-mel standardised per bin with the training split's statistics. Recordings
 * shorter than one 25 ms window are dropped (counted in {@link #dropped}).
 */
final class AudioCorpus {
  final List<Clip> train;
  final List<Clip> val;
  final int dropped;
  final double[] melMean; // [80], training split
  final double[] melStd;

  AudioCorpus(List<Utterance> trainUtts, List<Utterance> valUtts, boolean keepWave) {
    LogMel lm = AudioFeatures.logMel();
    int[] drop = new int[1];
    List<Clip> tr = read(trainUtts, keepWave, lm, drop);
    List<Clip> va = read(valUtts, keepWave, lm, drop);
    Preconditions.checkArgument(!tr.isEmpty() && !va.isEmpty(), "no recording of at least 25 ms in the %s split",
        tr.isEmpty() ? "training" : "validation");
    int m = AudioFeatures.MELS;
    double[] sum = new double[m];
    double[] sq = new double[m];
    long count = 0;
    for (Clip c : tr) {
      for (int t = 0; t < c.frames(); t++) {
        for (int j = 0; j < m; j++) {
          double v = c.mel()[t * m + j];
          sum[j] += v;
          sq[j] += v * v;
        }
      }
      count += c.frames();
    }
    melMean = new double[m];
    melStd = new double[m];
    for (int j = 0; j < m; j++) {
      melMean[j] = sum[j] / count;
      melStd[j] = Math.max(1e-3, Math.sqrt(Math.max(0, sq[j] / count - melMean[j] * melMean[j])));
    }
    for (List<Clip> l : List.of(tr, va)) {
      for (Clip c : l) {
        float[] x = c.mel();
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) ((x[i] - melMean[i % m]) / melStd[i % m]);
        }
      }
    }
    this.train = tr;
    this.val = va;
    this.dropped = drop[0];
  }

  private static List<Clip> read(List<Utterance> utts, boolean keepWave, LogMel lm, int[] dropped) {
    List<Clip> out = new ArrayList<>();
    for (Utterance u : utts) {
      Audio a = Resampler.toRate(WavReader.read(u.file()), AudioFeatures.RATE);
      float[] w = a.samples();
      int frames = AudioFeatures.frames(w.length);
      if (frames == 0) {
        dropped[0]++;
        continue;
      }
      float[] mel = lm.compute(w);
      out.add(new Clip(u, keepWave ? standardise(w) : null, mel, frames, null));
    }
    return out;
  }

  /** Zero mean, unit variance (wav2vec 2.0's feature-extractor normalisation); silence stays silence. */
  static float[] standardise(float[] w) {
    double sum = 0;
    double sq = 0;
    for (float v : w) {
      sum += v;
      sq += (double) v * v;
    }
    double mean = sum / w.length;
    double std = Math.sqrt(Math.max(0, sq / w.length - mean * mean));
    double scale = std > 1e-7 ? 1 / std : 0;
    float[] out = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      out[i] = (float) ((w[i] - mean) * scale);
    }
    return out;
  }

  /**
   * Seeded k-means over at most {@code maxFrames} training log-mel frames (drawn uniformly without replacement),
   * then labels every frame of both splits.
   */
  KMeans clusterTrainFrames(int k, int maxFrames, int iterations, long seed) {
    int m = AudioFeatures.MELS;
    long total = 0;
    for (Clip c : train) {
      total += c.frames();
    }
    Preconditions.checkArgument(total >= k, "k-means: %s training frames for %s clusters", total, k);
    int take = (int) Math.min(total, maxFrames);
    // reservoir-free selection: a seeded partial shuffle of the global frame indices
    SplittableRandom r = new SplittableRandom(seed);
    long[] chosen = new long[take];
    java.util.HashSet<Long> seen = new java.util.HashSet<>();
    for (int i = 0; i < take; ) {
      long idx = take == total ? i : (long) (r.nextDouble() * total);
      if (take == total || seen.add(idx)) {
        chosen[i++] = idx;
      }
    }
    java.util.Arrays.sort(chosen);
    float[] data = new float[take * m];
    int at = 0;
    long base = 0;

    for (Clip c : train) {
      while (at < take && chosen[at] < base + c.frames()) {
        System.arraycopy(c.mel(), (int) (chosen[at] - base) * m, data, at * m, m);
        at++;
      }
      base += c.frames();
    }
    KMeans km = KMeans.fit(data, m, k, seed, iterations);
    label(train, km);
    label(val, km);
    return km;
  }

  private static void label(List<Clip> clips, KMeans km) {
    for (int i = 0; i < clips.size(); i++) {
      Clip c = clips.get(i);
      int[] ids = new int[c.frames()];
      for (int t = 0; t < ids.length; t++) {
        ids[t] = km.assign(c.mel(), t * AudioFeatures.MELS);
      }
      clips.set(i, c.withClusters(ids));
    }
  }

  static double minutes(List<Clip> clips) {
    double s = 0;
    for (Clip c : clips) {
      s += (AudioFeatures.WINDOW + (c.frames() - 1.0) * AudioFeatures.HOP) / AudioFeatures.RATE;
    }
    return s / 60;
  }
}
