package org.anisoscope.audio;

import com.google.common.base.Preconditions;
import com.google.common.math.IntMath;

/**
 * Rational-rate resampling by band-limited (windowed-sinc) interpolation, polyphase: output sample {@code n}
 * sits at input time {@code n·M/L} ({@code L/M} = out/in rate in lowest terms) and is the sum of the input
 * samples around it weighted by a Kaiser-windowed sinc (Smith, "Digital Audio Resampling", 2002; Kaiser's
 * design formulas, Oppenheim &amp; Schafer 3rd ed. eq. 7.62–7.63).
 *
 * <p>The low-pass is designed on the lower of the two Nyquist frequencies {@code f_N = min(in, out)/2}:
 * passband up to {@code 0.9·f_N}, stopband from {@code f_N} on, {@value #STOPBAND_DB} dB stopband attenuation.
 * So a downsampler removes everything above the new Nyquist before it could alias, and an upsampler removes the
 * spectral images above the old Nyquist. Samples before the start and after the end count as zero.
 */
public final class Resampler {
  /** Designed stopband attenuation, dB. */
  public static final double STOPBAND_DB = 90;
  /** Passband edge as a fraction of the lower Nyquist frequency. */
  public static final double PASSBAND = 0.9;
  /** Above this many phases the taps are computed per sample instead of tabulated (odd rate pairs). */
  private static final int MAX_TABLE_PHASES = 4096;

  private final int up;       // L
  private final int down;     // M
  private final double cutoff; // cycles per input sample, the middle of the transition band
  private final double halfWidth; // input samples either side of the centre
  private final int taps;     // 2K input samples per output sample
  private final double beta;
  private final double[][] table; // [phase][tap], null for an untabulated rate pair

  public Resampler(int inRate, int outRate) {
    Preconditions.checkArgument(inRate > 0 && outRate > 0, "rates must be positive, got %s -> %s", inRate, outRate);
    int g = IntMath.gcd(inRate, outRate);
    this.up = outRate / g;
    this.down = inRate / g;
    double r = Math.min(1.0, outRate / (double) inRate); // lower Nyquist, in units of the input Nyquist
    double stop = 0.5 * r;
    double pass = PASSBAND * stop;
    double transition = stop - pass;               // cycles per input sample
    this.cutoff = 0.5 * (pass + stop);
    this.beta = 0.1102 * (STOPBAND_DB - 8.7);
    // Kaiser's length estimate N = (A − 7.95) / (2.285 · 2π Δf), Δf in cycles/sample
    double n = (STOPBAND_DB - 7.95) / (2.285 * 2 * Math.PI * transition);
    this.halfWidth = n / 2;
    this.taps = 2 * (int) Math.ceil(halfWidth);
    if (up <= MAX_TABLE_PHASES) {
      table = new double[up][];
      for (int p = 0; p < up; p++) {
        table[p] = phase(p);
      }
    } else {
      table = null;
    }
  }

  /** The taps for output samples whose input time has fractional part {@code p/L}, summing to 1 (unit DC gain). */
  private double[] phase(int p) {
    double frac = p / (double) up;
    int k = taps / 2;
    double[] h = new double[taps];
    double sum = 0;
    for (int j = 0; j < taps; j++) {
      double tau = frac + (k - 1) - j; // distance from input sample (i − k + 1 + j) to the output time
      h[j] = kernel(tau);
      sum += h[j];
    }
    for (int j = 0; j < taps; j++) {
      h[j] /= sum;
    }
    return h;
  }

  private double kernel(double tau) {
    double x = tau / halfWidth;
    if (Math.abs(x) >= 1) {
      return 0;
    }
    double a = 2 * Math.PI * cutoff * tau;
    double sinc = Math.abs(a) < 1e-12 ? 1 : Math.sin(a) / a;
    return 2 * cutoff * sinc * besselI0(beta * Math.sqrt(1 - x * x)) / besselI0(beta);
  }

  /** Modified Bessel function of the first kind, order 0, by its power series (converges fast for β ≤ 20). */
  static double besselI0(double x) {
    double sum = 1;
    double term = 1;
    double q = x * x / 4;
    for (int k = 1; k < 200; k++) {
      term *= q / ((double) k * k);
      sum += term;
      if (term < sum * 1e-17) {
        break;
      }
    }
    return sum;
  }

  /** Input samples read per output sample (the filter length). */
  public int taps() {
    return taps;
  }

  /** Resamples {@code x}; the output has {@code ceil(len·L/M)} samples. */
  public float[] apply(float[] x) {
    if (up == down) {
      return x.clone();
    }
    long outLen = ((long) x.length * up + down - 1) / down;
    Preconditions.checkArgument(outLen <= Integer.MAX_VALUE, "output of %s samples is too long", outLen);
    float[] y = new float[(int) outLen];
    int k = taps / 2;
    for (int n = 0; n < y.length; n++) {
      long pos = (long) n * down;
      int i = (int) (pos / up);
      int p = (int) (pos % up);
      double[] h = table != null ? table[p] : phase(p);
      int first = i - k + 1;
      int jFrom = Math.max(0, -first);
      int jTo = Math.min(taps, x.length - first);
      double acc = 0;
      for (int j = jFrom; j < jTo; j++) {
        acc += h[j] * x[first + j];
      }
      y[n] = (float) acc;
    }
    return y;
  }

  /** {@code audio} at {@code rate} Hz (the same object when it already is). */
  public static Audio toRate(Audio audio, int rate) {
    if (audio.sampleRate() == rate) {
      return audio;
    }
    return new Audio(new Resampler(audio.sampleRate(), rate).apply(audio.samples()), rate);
  }
}
