package org.anisoscope.image;

import org.anisoscope.config.SettingsException;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun et al.; {@code *-ubyte.gz}): a big-endian int magic
 * {@code 0x00000803} (unsigned bytes, 3 dimensions: images) or {@code 0x00000801} (1 dimension: labels), the
 * dimension sizes as big-endian ints, then the bytes. Gzipped or plain (by the {@code .gz} suffix). Every
 * inconsistency (magic, a size that disagrees with the file length, a truncated gzip stream) is an
 * {@link SettingsException} naming the file and what was expected.
 */
public final class Idx {
  static final int IMAGES_MAGIC = 0x803;
  static final int LABELS_MAGIC = 0x801;
  private static final int MAX_ITEMS = 10_000_000;

  private Idx() {
  }

  /** Images {@code [count, rows, cols]} as unsigned bytes. */
  public static Images readImages(Path file) {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != IMAGES_MAGIC) {
        throw bad(file, String.format("an IDX image file (magic 0x00000803), got magic 0x%08x", magic));
      }
      int count = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      if (count < 1 || count > MAX_ITEMS || rows < 1 || rows > 4096 || cols < 1 || cols > 4096) {
        throw bad(file, "image dimensions count in [1, " + MAX_ITEMS + "] and rows, cols in [1, 4096], got "
            + count + " × " + rows + " × " + cols);
      }
      byte[] pixels = new byte[count * rows * cols];
      readFully(in, pixels, file, count + " images of " + rows + "×" + cols + " = " + pixels.length + " bytes");
      expectEnd(in, file, pixels.length);
      return new Images(count, rows, cols, pixels);
    } catch (IOException e) {
      throw bad(file, "a complete, readable IDX file (" + (e instanceof EOFException ? "it ends early" : e.toString()) + ")");
    }
  }

  /** Labels {@code [count]} as unsigned bytes. */
  public static int[] readLabels(Path file) {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != LABELS_MAGIC) {
        throw bad(file, String.format("an IDX label file (magic 0x00000801), got magic 0x%08x", magic));
      }
      int count = in.readInt();
      if (count < 1 || count > MAX_ITEMS) {
        throw bad(file, "a label count in [1, " + MAX_ITEMS + "], got " + count);
      }
      byte[] raw = new byte[count];
      readFully(in, raw, file, count + " labels");
      expectEnd(in, file, count);
      int[] labels = new int[count];
      for (int i = 0; i < count; i++) {
        labels[i] = raw[i] & 0xFF;
      }
      return labels;
    } catch (IOException e) {
      throw bad(file, "a complete, readable IDX file (" + (e instanceof EOFException ? "it ends early" : e.toString()) + ")");
    }
  }

  private static DataInputStream open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new SettingsException(file + ": not found (an IDX file of the image data)");
    }
    InputStream raw = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16);
    return new DataInputStream(file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw);
  }

  private static void readFully(DataInputStream in, byte[] dst, Path file, String what) throws IOException {
    try {
      in.readFully(dst);
    } catch (EOFException e) {
      throw bad(file, what + " as its header says; the data ends early (truncated file, or a header that "
          + "disagrees with the file length)");
    }
  }

  private static void expectEnd(DataInputStream in, Path file, long read) throws IOException {
    if (in.read() != -1) {
      throw bad(file, "exactly the " + read + " data bytes its header announces; the file is longer (a header "
          + "that disagrees with the file length)");
    }
  }

  private static SettingsException bad(Path file, String expected) {
    return new SettingsException(file + ": expected " + expected);
  }

  /** Unsigned-byte images {@code [count, rows, cols]}. */
  public record Images(int count, int rows, int cols, byte[] pixels) {
  }
}
