package org.anisoscope.audio;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Log-mel against the NumPy reference {@code resources/audio/logmel_reference.py} (librosa's Slaney filterbank
 * re-implemented line by line; rerun it to regenerate {@code logmel_ru_0003.npy}), to {@value #TOL} in ln units
 * (both sides compute in double from the same 16-bit samples; the tolerance covers FFT rounding), plus
 * closed-form properties of the filterbank.
 */
class LogMelTest {
  static final double TOL = 1e-6;

  @Test
  void matchesTheNumPyReferenceOnARecording() throws IOException {
    Audio a = WavReader.read(WavReaderTest.resource("ru_0003.wav"));
    LogMel lm = LogMel.standard(160);
    float[] all = lm.compute(a.samples());
    assertEquals(611, lm.frames(a.samples().length)); // 1 + (98000 − 400) / 160, as NumPy reports
    double[] ref = readFloat64Npy(WavReaderTest.resource("logmel_ru_0003.npy"), 30 * 80);
    double worst = 0;
    for (int t = 0; t < 30; t++) {
      for (int m = 0; m < 80; m++) {
        double got = all[(100 + t) * 80 + m];
        // the output is stored as float32: allow its rounding (one ulp) on top of TOL
        double want = ref[t * 80 + m];
        worst = Math.max(worst, Math.abs(got - want));
        assertEquals(want, got, TOL + Math.ulp((float) want), "frame " + (100 + t) + " mel " + m);
      }
    }
    System.out.println("LogMelTest: worst |java - numpy| = " + worst);
  }

  @Test
  void slaneyScaleIsLinearBelow1kHzAndInvertible() {
    assertEquals(15.0, MelFilterbank.hzToMel(1000), 1e-12);
    assertEquals(3.0, MelFilterbank.hzToMel(200), 1e-12);
    assertEquals(15 + 27, MelFilterbank.hzToMel(6400), 1e-9); // log step: 27 mels per factor 6.4 above 1 kHz
    for (double hz : new double[] {0, 37.5, 999, 1000, 1001, 4321, 8000}) {
      assertEquals(hz, MelFilterbank.melToHz(MelFilterbank.hzToMel(hz)), 1e-9);
    }
  }

  @Test
  void everyFilterHasUnitAreaInHz() {
    // Slaney normalisation: height 2/(right − left) over a base of (right − left) Hz is a triangle of area 1;
    // sampled every sr/n_fft Hz, the discrete sum approaches 1 once a filter spans many bins.
    MelFilterbank bank = new MelFilterbank(16_000, 4096, 80, 0, 8000);
    for (int m = 0; m < 80; m++) {
      double area = 0;
      for (int b = 0; b < bank.bins(); b++) {
        area += bank.weight(m, b) * 16_000.0 / 4096;
      }
      assertEquals(1.0, area, 0.02, "filter " + m);
    }
  }

  @Test
  void aSineLightsTheFilterCentredOnIt() {
    float[] x = ResamplerTest.sine(16_000, 16_000, 2_000);
    LogMel lm = LogMel.standard(320);
    float[] f = lm.compute(x);
    int t = 10;
    int best = 0;
    for (int m = 1; m < 80; m++) {
      if (f[t * 80 + m] > f[t * 80 + best]) {
        best = m;
      }
    }
    // centre of filter m is edge m + 1 on the mel grid; the filter whose centre is nearest 2 kHz wins
    double step = MelFilterbank.hzToMel(8000) / 81;
    int nearest = (int) Math.round(MelFilterbank.hzToMel(2000) / step) - 1;
    assertEquals(nearest, best);
    assertEquals(49, lm.frames(16_000)); // 1 + (16000 − 400) / 320
    assertEquals(0, lm.frames(399));
    assertTrue(lm.compute(new float[399]).length == 0);
  }

  /** A little-endian float64 C-order .npy file's data ({@code expected} values). */
  static double[] readFloat64Npy(Path file, int expected) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    int headerLen = b.getShort(8) & 0xFFFF;
    String header = new String(b.array(), 10, headerLen, StandardCharsets.ISO_8859_1);
    assertTrue(header.contains("'<f8'") && header.contains("False"), header);
    b.position(10 + headerLen);
    double[] v = new double[expected];
    for (int i = 0; i < expected; i++) {
      v[i] = b.getDouble();
    }
    assertEquals(0, b.remaining(), "trailing bytes in " + file);
    return v;
  }
}
