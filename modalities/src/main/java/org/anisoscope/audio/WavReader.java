package org.anisoscope.audio;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a WAV file with {@code javax.sound.sampled} into mono float samples at the file's own rate.
 *
 * <p>Accepted: PCM 8-bit (unsigned), 16/24/32-bit (signed, either byte order) and IEEE float 32/64-bit, any
 * number of channels (averaged to mono: the mean keeps full scale at full scale). Everything else (μ-law, A-law,
 * ADPCM, ...) is refused. Bad input fails with an {@link IllegalArgumentException} whose one-line message names
 * the file and what was expected: not a RIFF/WAVE file, an unsupported encoding, no samples, or fewer sample
 * bytes than the header announces (a truncated download).
 */
public final class WavReader {
  private WavReader() {
  }

  /** Reads {@code file}; see the class comment for what is accepted. */
  public static Audio read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": no such file; expected a WAV file");
    }
    byte[] head = new byte[12];
    try (InputStream in = Files.newInputStream(file)) {
      int n = in.readNBytes(head, 0, 12);
      if (n == 0) {
        throw new IllegalArgumentException(file + ": empty file; expected a RIFF/WAVE file");
      }
      if (n < 12 || !"RIFF".equals(ascii(head, 0)) || !"WAVE".equals(ascii(head, 8))) {
        throw new IllegalArgumentException(file + ": not a RIFF/WAVE file (starts with '" + printable(head, n)
            + "'); expected a WAV file");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read (" + e + ")", e);
    }
    try (AudioInputStream ais = AudioSystem.getAudioInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      return decode(file, ais);
    } catch (UnsupportedAudioFileException e) {
      throw new IllegalArgumentException(file + ": unreadable WAV header (" + oneLine(e) + "); expected PCM "
          + "8/16/24/32-bit or float 32/64-bit", e);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read (" + oneLine(e) + ")", e);
    }
  }

  private static Audio decode(Path file, AudioInputStream ais) throws IOException {
    AudioFormat f = ais.getFormat();
    AudioFormat.Encoding enc = f.getEncoding();
    int bits = f.getSampleSizeInBits();
    int channels = f.getChannels();
    boolean pcm = enc.equals(AudioFormat.Encoding.PCM_SIGNED) && (bits == 16 || bits == 24 || bits == 32)
        || enc.equals(AudioFormat.Encoding.PCM_UNSIGNED) && bits == 8
        || enc.equals(AudioFormat.Encoding.PCM_SIGNED) && bits == 8;
    boolean flt = enc.equals(AudioFormat.Encoding.PCM_FLOAT) && (bits == 32 || bits == 64);
    if (!pcm && !flt || channels < 1 || f.getFrameSize() != channels * bits / 8) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: unsupported encoding %s, %d-bit, %d "
          + "channel(s); expected PCM 8/16/24/32-bit or float 32/64-bit", file, enc, bits, channels));
    }
    float rate = f.getSampleRate();
    if (!(rate >= 1 && rate <= 1_000_000 && rate == Math.rint(rate))) {
      throw new IllegalArgumentException(file + ": sample rate " + rate + "; expected a whole number of Hz in "
          + "[1, 1000000]");
    }
    long frames = ais.getFrameLength();
    byte[] data = ais.readAllBytes();
    int frameSize = f.getFrameSize();
    if (frames != AudioSystem.NOT_SPECIFIED && (long) data.length < frames * frameSize) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: truncated: the header announces %d "
          + "frames (%d bytes), the file holds %d bytes; expected a complete WAV file", file, frames,
          frames * frameSize, data.length));
    }
    int n = data.length / frameSize;
    if (n == 0) {
      throw new IllegalArgumentException(file + ": no samples (zero-length data chunk); expected audio");
    }
    ByteBuffer b = ByteBuffer.wrap(data).order(f.isBigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[n];
    int bytes = bits / 8;
    for (int i = 0; i < n; i++) {
      double sum = 0;
      for (int c = 0; c < channels; c++) {
        int at = i * frameSize + c * bytes;
        sum += flt ? (bits == 32 ? b.getFloat(at) : b.getDouble(at)) : pcmSample(b, at, bits, enc, f.isBigEndian());
      }
      out[i] = (float) (sum / channels);
    }
    for (float v : out) {
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException(file + ": a float sample is NaN or infinite; expected finite samples");
      }
    }
    return new Audio(out, (int) rate);
  }

  /** One integer PCM sample scaled to [-1, 1): divided by 2^(bits-1). */
  private static double pcmSample(ByteBuffer b, int at, int bits, AudioFormat.Encoding enc, boolean bigEndian) {
    switch (bits) {
      case 8:
        int u = b.get(at);
        return enc.equals(AudioFormat.Encoding.PCM_UNSIGNED) ? ((u & 0xFF) - 128) / 128.0 : u / 128.0;
      case 16:
        return b.getShort(at) / 32768.0;
      case 24:
        int b0 = b.get(at) & 0xFF;
        int b1 = b.get(at + 1) & 0xFF;
        int b2 = b.get(at + 2);   // signed: carries the sign
        int v = bigEndian ? ((b0 << 24) >> 8) | (b1 << 8) | (b2 & 0xFF) : (b2 << 16) | (b1 << 8) | b0;
        return v / 8388608.0;
      default:
        return b.getInt(at) / 2147483648.0;
    }
  }

  private static String ascii(byte[] b, int off) {
    return new String(b, off, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static String printable(byte[] b, int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(n, 4); i++) {
      char c = (char) (b[i] & 0xFF);
      s.append(c >= 32 && c < 127 ? c : '?');
    }
    return s.toString();
  }

  private static String oneLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    return m.replace('\n', ' ').replace('\r', ' ');
  }
}
