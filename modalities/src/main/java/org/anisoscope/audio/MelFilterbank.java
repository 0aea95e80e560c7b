package org.anisoscope.audio;

import com.google.common.base.Preconditions;

/**
 * Triangular mel filters on the bins of a real FFT, as librosa's {@code filters.mel} with its defaults
 * ({@code htk=False, norm='slaney'}): Slaney's mel scale (linear below 1 kHz, logarithmic above; Slaney,
 * Auditory Toolbox, 1998), filter edges at {@code mels + 2} points equally spaced on that scale between
 * {@code fmin} and {@code fmax}, each triangle scaled by {@code 2 / (right edge − left edge)} in Hz so that
 * filters have equal area.
 */
public final class MelFilterbank {
  private static final double F_SP = 200.0 / 3;       // Hz per mel below 1 kHz
  private static final double MIN_LOG_HZ = 1000.0;
  private static final double MIN_LOG_MEL = MIN_LOG_HZ / F_SP; // 15
  private static final double LOG_STEP = Math.log(6.4) / 27.0;

  private final int mels;
  private final int bins;
  private final int[] first; // first non-zero bin of each filter
  private final double[][] weights; // weights[m][b - first[m]]

  public MelFilterbank(int sampleRate, int nFft, int mels, double fmin, double fmax) {
    Preconditions.checkArgument(mels >= 1 && nFft >= 2, "bad filterbank: %s mels, n_fft %s", mels, nFft);
    Preconditions.checkArgument(fmin >= 0 && fmax > fmin && fmax <= sampleRate / 2.0,
        "mel range [%s, %s] Hz must lie in [0, %s]", fmin, fmax, sampleRate / 2.0);
    this.mels = mels;
    this.bins = nFft / 2 + 1;
    double[] edges = new double[mels + 2]; // Hz
    double lo = hzToMel(fmin);
    double hi = hzToMel(fmax);
    for (int i = 0; i < edges.length; i++) {
      edges[i] = melToHz(lo + (hi - lo) * i / (mels + 1));
    }
    first = new int[mels];
    weights = new double[mels][];
    for (int m = 0; m < mels; m++) {
      double left = edges[m];
      double centre = edges[m + 1];
      double right = edges[m + 2];
      double norm = 2.0 / (right - left);
      int from = -1;
      double[] w = new double[bins];
      int to = -1;
      for (int b = 0; b < bins; b++) {
        double f = b * (double) sampleRate / nFft;
        double v = Math.max(0, Math.min((f - left) / (centre - left), (right - f) / (right - centre))) * norm;
        w[b] = v;
        if (v > 0) {
          if (from < 0) {
            from = b;
          }
          to = b;
        }
      }
      if (from < 0) { // a filter narrower than one bin: empty, as in librosa (it warns)
        from = 0;
        to = -1;
      }
      first[m] = from;
      weights[m] = java.util.Arrays.copyOfRange(w, from, to + 1);
    }
  }

  /** Hz → mel on Slaney's scale. */
  public static double hzToMel(double hz) {
    return hz < MIN_LOG_HZ ? hz / F_SP : MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP;
  }

  /** mel → Hz on Slaney's scale. */
  public static double melToHz(double mel) {
    return mel < MIN_LOG_MEL ? mel * F_SP : MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL));
  }

  public int mels() {
    return mels;
  }

  /** Number of FFT bins the filters read ({@code n_fft/2 + 1}). */
  public int bins() {
    return bins;
  }

  /** {@code out[m] = Σ_b W[m, b] · power[b]} for one frame's power spectrum {@code power [bins]}. */
  public void apply(double[] power, double[] out) {
    Preconditions.checkArgument(power.length == bins && out.length == mels, "power %s / out %s, expected %s / %s",
        power.length, out.length, bins, mels);
    for (int m = 0; m < mels; m++) {
      double[] w = weights[m];
      int f = first[m];
      double s = 0;
      for (int j = 0; j < w.length; j++) {
        s += w[j] * power[f + j];
      }
      out[m] = s;
    }
  }

  /** The dense weight {@code W[m, b]} (tests and plots). */
  public double weight(int m, int b) {
    int j = b - first[m];
    return j >= 0 && j < weights[m].length ? weights[m][j] : 0;
  }
}
