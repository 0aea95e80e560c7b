package org.anisoscope.audio;

import org.jtransforms.fft.DoubleFFT_1D;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The anti-aliasing filter on sine sweeps. Bounds (the filter is designed for {@value Resampler#STOPBAND_DB} dB):
 * whatever lies above the lower Nyquist frequency comes out at most {@value #STOP_BOUND_DB} dB below the input
 * energy; a sine in the passband (below 0.9 × Nyquist) comes out within 1e-3 (absolute, full scale 1) of the
 * ideal sine at the new rate. Energies are taken over the interior (the first and last 30 ms dropped), where
 * the start and end of the signal do not spread energy over every frequency.
 */
class ResamplerTest {
  static final double STOP_BOUND_DB = -80;

  /** Linear chirp from f0 to f1 Hz over n samples at rate. */
  static float[] chirp(int rate, int n, double f0, double f1) {
    float[] x = new float[n];
    double dur = n / (double) rate;
    for (int i = 0; i < n; i++) {
      double t = i / (double) rate;
      x[i] = (float) (0.5 * Math.sin(2 * Math.PI * (f0 * t + (f1 - f0) * t * t / (2 * dur))));
    }
    return x;
  }

  static double interiorEnergy(float[] x, int rate) {
    int skip = rate * 30 / 1000;
    double e = 0;
    for (int i = skip; i < x.length - skip; i++) {
      e += (double) x[i] * x[i];
    }
    return e / (x.length - 2 * skip);
  }

  static double db(double ratio) {
    return 10 * Math.log10(ratio);
  }

  @Test
  void sweepAboveTheNewNyquistIsRemovedWhenDownsampling() {
    for (int in : new int[] {44_100, 48_000, 22_050}) {
      float[] x = chirp(in, in, 8_000, in / 2.0);          // 1 s sweep, all of it above 8 kHz
      float[] y = new Resampler(in, 16_000).apply(x);
      assertEquals((long) Math.ceil(x.length * 16_000.0 / in), y.length);
      double rel = db(interiorEnergy(y, 16_000) / interiorEnergy(x, in));
      System.out.printf(java.util.Locale.ROOT, "ResamplerTest: %d -> 16000, 8 kHz..%d Hz sweep: %.1f dB%n", in,
          in / 2, rel);
      assertTrue(rel <= STOP_BOUND_DB, in + " Hz: residual " + rel + " dB");
    }
  }

  @Test
  void passbandSinesSurviveDownsamplingUnchanged() {
    for (int in : new int[] {44_100, 48_000}) {
      for (double f : new double[] {100, 1_000, 3_000, 7_000}) {
        float[] x = sine(in, in / 2, f);
        float[] y = new Resampler(in, 16_000).apply(x);
        float[] ideal = sine(16_000, y.length, f);
        int skip = 16_000 * 30 / 1000;
        double worst = 0;
        for (int i = skip; i < y.length - skip; i++) {
          worst = Math.max(worst, Math.abs(y[i] - ideal[i]));
        }
        assertTrue(worst <= 1e-3, in + " Hz, sine " + f + ": max error " + worst);
      }
    }
  }

  @Test
  void upsamplingLeavesNoImagesAboveTheOldNyquist() {
    float[] x = chirp(8_000, 8_000, 50, 3_600);            // 1 s sweep inside the 8 kHz passband
    float[] y = new Resampler(8_000, 16_000).apply(x);
    int skip = 16_000 * 30 / 1000;
    int n = y.length - 2 * skip;
    double[] buf = new double[n];
    for (int i = 0; i < n; i++) {
      buf[i] = y[skip + i] * (0.5 - 0.5 * Math.cos(2 * Math.PI * i / n));
    }
    new DoubleFFT_1D(n).realForward(buf);
    double below = 0;
    double above = 0;
    for (int k = 1; k < n / 2; k++) {
      double p = buf[2 * k] * buf[2 * k] + buf[2 * k + 1] * buf[2 * k + 1];
      if (k * 16_000.0 / n > 4_000) {
        above += p;
      } else {
        below += p;
      }
    }
    double rel = db(above / below);
    System.out.printf(java.util.Locale.ROOT, "ResamplerTest: 8000 -> 16000, energy above 4 kHz: %.1f dB%n", rel);
    assertTrue(rel <= STOP_BOUND_DB, "images at " + rel + " dB");
    // and the sweep itself is there: the input's interior energy, within 0.01 dB
    assertEquals(0, db(interiorEnergy(y, 16_000) / interiorEnergy(x, 8_000)), 0.01);
  }

  @Test
  void sameRateIsACopyAndBesselMatchesItsSeries() {
    float[] x = {1, 2, 3};
    assertEquals(3, new Resampler(16_000, 16_000).apply(x).length);
    assertEquals(1.0, Resampler.besselI0(0), 0);
    assertEquals(11.301921952136330, Resampler.besselI0(4), 1e-12); // I0(4), Abramowitz & Stegun table 9.8
  }

  static float[] sine(int rate, int n, double f) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (0.5 * Math.sin(2 * Math.PI * f * i / rate));
    }
    return x;
  }
}
