package org.anisoscope.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WavReaderTest {
  @TempDir
  Path dir;

  static Path resource(String name) {
    try {
      return Path.of(WavReaderTest.class.getResource("/audio/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void readsTheCommittedRecordingAt16kHz() {
    Path f = resource("ru_0003.wav");
    Audio a = WavReader.read(f);
    assertEquals(16_000, a.sampleRate());
    assertEquals((196_044 - 44) / 2, a.samples().length); // 16-bit mono, canonical 44-byte header
    double peak = 0;
    for (float v : a.samples()) {
      peak = Math.max(peak, Math.abs(v));
    }
    assertTrue(peak > 0.05 && peak <= 1, "peak " + peak); // speech, in full-scale units
  }

  @Test
  void decodesEveryAcceptedEncodingExactly() throws IOException {
    // the same four values, −1, −0.5, 0, 0.5, written in each encoding
    float[] want = {-1f, -0.5f, 0f, 0.5f};
    byte[] u8 = {0, 64, (byte) 128, (byte) 192};
    assertArrayEquals(want, read("u8", WavFiles.PCM, 1, 8, u8), "8-bit unsigned");
    assertArrayEquals(want, read("s16", WavFiles.PCM, 1, 16, le(2, -32768, -16384, 0, 16384)), "16-bit");
    assertArrayEquals(want, read("s24", WavFiles.PCM, 1, 24, le(3, -8388608, -4194304, 0, 4194304)), "24-bit");
    assertArrayEquals(want, read("s32", WavFiles.PCM, 1, 32, le(4, Integer.MIN_VALUE, -1 << 30, 0, 1 << 30)),
        "32-bit");
    ByteBuffer f32 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : want) {
      f32.putFloat(v);
    }
    assertArrayEquals(want, read("f32", WavFiles.FLOAT, 1, 32, f32.array()), "float32");
    ByteBuffer f64 = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : want) {
      f64.putDouble(v);
    }
    assertArrayEquals(want, read("f64", WavFiles.FLOAT, 1, 64, f64.array()), "float64");
  }

  @Test
  void stereoIsAveragedToMono() throws IOException {
    // frames (L, R): (0.5, −0.5) → 0, (0.5, 0.5) → 0.5, (−1, 0) → −0.5
    byte[] d = le(2, 16384, -16384, 16384, 16384, -32768, 0);
    assertArrayEquals(new float[] {0f, 0.5f, -0.5f}, read("stereo", WavFiles.PCM, 2, 16, d));
  }

  @Test
  void badFilesFailInOneLineNamingTheFile() throws IOException {
    byte[] ok = le(2, 1, 2, 3, 4);
    Map<String, Path> cases = new LinkedHashMap<>();
    cases.put("truncated", WavFiles.write(dir.resolve("truncated.wav"), WavFiles.PCM, 1, 16000, 16, ok, 4000));
    cases.put("zero length", WavFiles.write(dir.resolve("zero.wav"), WavFiles.PCM, 1, 16000, 16, new byte[0]));
    cases.put("mu-law", WavFiles.write(dir.resolve("ulaw.wav"), WavFiles.MULAW, 1, 8000, 8, new byte[] {1, 2}));
    cases.put("12-bit", WavFiles.write(dir.resolve("12bit.wav"), WavFiles.PCM, 1, 16000, 12, ok));
    Path notRiff = dir.resolve("not-riff.wav");
    Files.writeString(notRiff, "ID3 this is an mp3, honestly");
    cases.put("not RIFF", notRiff);
    Path empty = dir.resolve("empty.wav");
    Files.write(empty, new byte[0]);
    cases.put("empty", empty);
    Path cut = dir.resolve("cut-header.wav");
    byte[] full = Files.readAllBytes(cases.get("zero length"));
    Files.write(cut, Arrays.copyOf(full, 20));
    cases.put("header cut", cut);
    cases.put("missing", dir.resolve("missing.wav"));
    cases.put("directory", dir);
    for (Map.Entry<String, Path> c : cases.entrySet()) {
      RuntimeException e = assertThrows(RuntimeException.class, () -> WavReader.read(c.getValue()), c.getKey());
      assertTrue(e instanceof IllegalArgumentException || e instanceof UncheckedIOException, c.getKey() + ": " + e);
      String m = e.getMessage();
      assertTrue(m.startsWith(c.getValue().toString()) && !m.contains("\n") && m.contains("expected"),
          c.getKey() + ": " + m);
    }
    assertTrue(WavReader.read(WavFiles.write(dir.resolve("fine.wav"), WavFiles.PCM, 1, 16000, 16, ok))
        .samples().length == 4);
  }

  private float[] read(String name, int format, int channels, int bits, byte[] data) throws IOException {
    Audio a = WavReader.read(WavFiles.write(dir.resolve(name + ".wav"), format, channels, 8000, bits, data));
    assertEquals(8000, a.sampleRate());
    return a.samples();
  }

  /** Little-endian signed integers of {@code bytes} bytes each. */
  private static byte[] le(int bytes, int... v) {
    byte[] out = new byte[bytes * v.length];
    for (int i = 0; i < v.length; i++) {
      int x = v[i];
      for (int k = 0; k < bytes; k++) {
        out[i * bytes + k] = (byte) (x >> (8 * k));
      }
    }
    return out;
  }
}
