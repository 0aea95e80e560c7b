package org.anisoscope.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small WAV files byte by byte, so tests control every header field (including wrong ones). */
final class WavFiles {
  static final int PCM = 1;
  static final int FLOAT = 3;
  static final int MULAW = 7;

  private WavFiles() {
  }

  /**
   * A canonical 44-byte-header WAV.
   *
   * @param declaredData the data chunk size written in the header (may differ from {@code data.length})
   */
  static Path write(Path file, int format, int channels, int rate, int bits, byte[] data, int declaredData)
      throws IOException {
    ByteBuffer b = ByteBuffer.allocate(44 + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + declaredData);
    b.put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16);
    int block = channels * bits / 8;
    b.putShort((short) format).putShort((short) channels).putInt(rate).putInt(rate * block)
        .putShort((short) block).putShort((short) bits);
    b.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(declaredData).put(data);
    Files.write(file, b.array());
    return file;
  }

  static Path write(Path file, int format, int channels, int rate, int bits, byte[] data) throws IOException {
    return write(file, format, channels, rate, bits, data, data.length);
  }

  /** 16-bit mono PCM of {@code x} (clipped to [-1, 1)). */
  static Path pcm16(Path file, int rate, float[] x) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(2 * x.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : x) {
      b.putShort((short) Math.max(-32768, Math.min(32767, Math.round(v * 32768))));
    }
    return write(file, PCM, 1, rate, 16, b.array());
  }
}
