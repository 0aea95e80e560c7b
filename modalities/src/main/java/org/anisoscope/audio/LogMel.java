package org.anisoscope.audio;

import com.google.common.base.Preconditions;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Log-mel spectrogram: frames of {@code window} samples every {@code hop} samples (no centre padding: frame t
 * covers samples {@code [t·hop, t·hop + window)}), a periodic Hann window, zero-padded to {@code nFft}, the
 * power spectrum {@code |X|²} by a real FFT (JTransforms), {@link MelFilterbank} (Slaney), then
 * {@code ln(max(mel, FLOOR))}. At 16 kHz the defaults are 25 ms windows, {@code n_fft} 512, 80 mels over 0–8 kHz.
 * The NumPy reference is {@code modalities/src/test/resources/audio/logmel_reference.py}.
 *
 * <p>Not thread-safe (one FFT plan and scratch arrays per instance); make one per thread.
 */
public final class LogMel {
  /** Power floor before the log (librosa's {@code power_to_db} amin): silence maps to ln(1e-10) ≈ −23. */
  public static final double FLOOR = 1e-10;

  private final int window;
  private final int hop;
  private final int nFft;
  private final double[] hann;
  private final MelFilterbank bank;
  private final DoubleFFT_1D fft;
  private final double[] buf;
  private final double[] power;
  private final double[] mel;

  public LogMel(int sampleRate, int window, int hop, int nFft, int mels) {
    Preconditions.checkArgument(window >= 2 && hop >= 1 && nFft >= window && nFft % 2 == 0,
        "bad log-mel shape: window %s, hop %s, n_fft %s (need n_fft even and >= window)", window, hop, nFft);
    this.window = window;
    this.hop = hop;
    this.nFft = nFft;
    this.hann = new double[window];
    for (int i = 0; i < window; i++) {
      hann[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / window); // periodic Hann (scipy/librosa fftbins=True)
    }
    this.bank = new MelFilterbank(sampleRate, nFft, mels, 0, sampleRate / 2.0);
    this.fft = new DoubleFFT_1D(nFft);
    this.buf = new double[nFft];
    this.power = new double[nFft / 2 + 1];
    this.mel = new double[mels];
  }

  /** The 16 kHz default: 25 ms windows (400 samples), {@code hop} samples apart, n_fft 512, 80 mels. */
  public static LogMel standard(int hop) {
    return new LogMel(16_000, 400, hop, 512, 80);
  }

  /** Number of whole frames in {@code samples} samples (0 when shorter than one window). */
  public int frames(int samples) {
    return samples < window ? 0 : 1 + (samples - window) / hop;
  }

  public int mels() {
    return bank.mels();
  }

  /** @return {@code [frames(x.length) · mels]}, row-major by frame */
  public float[] compute(float[] x) {
    int t = frames(x.length);
    int m = bank.mels();
    float[] out = new float[t * m];
    for (int f = 0; f < t; f++) {
      int at = f * hop;
      for (int i = 0; i < window; i++) {
        buf[i] = x[at + i] * hann[i];
      }
      java.util.Arrays.fill(buf, window, nFft, 0);
      fft.realForward(buf); // [re0, re(n/2), re1, im1, re2, im2, ...]
      power[0] = buf[0] * buf[0];
      power[nFft / 2] = buf[1] * buf[1];
      for (int k = 1; k < nFft / 2; k++) {
        power[k] = buf[2 * k] * buf[2 * k] + buf[2 * k + 1] * buf[2 * k + 1];
      }
      bank.apply(power, mel);
      for (int j = 0; j < m; j++) {
        out[f * m + j] = (float) Math.log(Math.max(mel[j], FLOOR));
      }
    }
    return out;
  }
}
