package org.anisoscope.io;

import com.google.common.base.Preconditions;
import org.anisoscope.files.AtomicFiles;

import java.io.IOException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * NumPy {@code .npy} files (format spec: numpy.lib.format). Writes version 1.0, little-endian float32
 * ({@code <f4}), float64 ({@code <f8}) or int32 ({@code <i4}), C order, the header padded with spaces to a multiple
 * of 64 bytes and ended by a newline, as NumPy itself does. Reads versions 1.0–3.0 with {@code <f4} or {@code <f8} data (doubles are narrowed to float), C or
 * Fortran order (returned row-major), any rank. Anything else fails with an {@link IOException} whose one-line
 * message names the file and what was expected.
 */
public final class Npy {
  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  static final int ALIGN = 64;
  /** Bytes per bulk read or write; keeps ByteBuffers well under their 2 GiB limit. */
  private static final int CHUNK_BYTES = 1 << 24;

  private Npy() {}

  /**
   * Writes {@code data} (row-major) with {@code shape} as a v1.0 {@code <f4} file, atomically: to a temporary file
   * in the same directory, then moved over {@code file}, so a reader never sees half a file.
   */
  public static void writeFloat32(Path file, float[] data, long... shape) throws IOException {
    write(file, "<f4", 4, data.length, shape, (buf, start, len) -> buf.asFloatBuffer().put(data, start, len));
  }

  /** As {@link #writeFloat32}, as a {@code <f8} (float64) file. */
  public static void writeFloat64(Path file, double[] data, long... shape) throws IOException {
    write(file, "<f8", 8, data.length, shape, (buf, start, len) -> buf.asDoubleBuffer().put(data, start, len));
  }

  /** As {@link #writeFloat32}, as a {@code <i4} (int32) file (token ids; {@link #read} reads floats only). */
  public static void writeInt32(Path file, int[] data, long... shape) throws IOException {
    write(file, "<i4", 4, data.length, shape, (buf, start, len) -> buf.asIntBuffer().put(data, start, len));
  }

  /** Copies {@code len} elements from {@code start} into a little-endian buffer positioned at 0. */
  private interface Chunk {
    void put(ByteBuffer buf, int start, int len);
  }

  private static void write(Path file, String descr, int itemSize, int count, long[] shape, Chunk chunk)
      throws IOException {
    for (long s : shape) {
      Preconditions.checkArgument(s >= 0, "negative dimension in shape %s", shapeTuple(shape));
    }
    Preconditions.checkArgument(elementCount(shape) == count, "%s values do not fill shape %s", count,
        shapeTuple(shape));
    AtomicFiles.write(file, out -> {
      out.write(header(descr, shape));
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, Math.max(itemSize, (long) itemSize * count)))
          .order(ByteOrder.LITTLE_ENDIAN);
      int step = buf.capacity() / itemSize;
      for (int start = 0; start < count; start += step) {
        int len = Math.min(step, count - start);
        buf.clear();
        chunk.put(buf, start, len);
        out.write(buf.array(), 0, len * itemSize);
      }
    });
  }

  /** Reads a {@code .npy} file (see the class comment for what is supported). */
  public static NpyArray read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
      while (pre.hasRemaining() && ch.read(pre) >= 0) {
        // a short file is either not a .npy file at all or a truncated one: the magic string decides
      }
      pre.flip();
      byte[] magic = new byte[Math.min(6, pre.remaining())];
      pre.get(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new IOException(file + ": not a .npy file (expected the magic string \\x93NUMPY)");
      }
      if (pre.limit() < 12) {
        throw new IOException(file + ": truncated: " + size + " bytes, shorter than any .npy header");
      }
      int major = pre.get() & 0xff;
      pre.get(); // minor version: no difference for reading
      long headerLen;
      int prefix;
      if (major == 1) {
        headerLen = pre.getShort(8) & 0xffff;
        prefix = 10;
      } else if (major == 2 || major == 3) {
        headerLen = pre.getInt(8) & 0xffffffffL;
        prefix = 12;
      } else {
        throw new IOException(file + ": unsupported .npy version " + major + " (expected 1, 2 or 3)");
      }
      if (prefix + headerLen > size) {
        throw new IOException(file + ": truncated header (expected " + headerLen + " header bytes, file has "
            + size + " bytes)");
      }
      ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
      ch.position(prefix);
      readFully(ch, hb, file, "the .npy header");
      NpyHeader header = NpyHeader.parse(new String(hb.array(), major == 3 ? StandardCharsets.UTF_8
          : StandardCharsets.ISO_8859_1), file);
      long count;
      try {
        count = elementCount(header.shape);
      } catch (ArithmeticException e) {
        throw new IOException(file + ": shape " + shapeTuple(header.shape) + " overflows a 64-bit element count "
            + "(expected at most 2^31 - 9 elements)");
      }
      if (count > Integer.MAX_VALUE - 8) {
        throw new IOException(file + ": " + count + " elements do not fit a Java array (expected at most 2^31 - 9)");
      }
      long dataBytes = count * header.itemSize();
      long found = size - prefix - headerLen;
      if (found != dataBytes) {
        throw new IOException(file + ": " + (found < dataBytes ? "truncated" : "trailing bytes") + ": expected "
            + dataBytes + " data bytes for shape " + shapeTuple(header.shape) + " " + header.descr + ", found " + found);
      }
      float[] data = readData(ch, (int) count, header.itemSize(), file);
      if (header.fortranOrder && header.shape.length > 1) {
        data = fortranToC(data, header.shape);
      }
      return new NpyArray(data, header.shape);
    }
  }

  private static float[] readData(FileChannel ch, int count, int itemSize, Path file) throws IOException {
    float[] out = new float[count];
    ByteBuffer buf = ByteBuffer.allocate((int) Math.max(itemSize, Math.min(CHUNK_BYTES, (long) count * itemSize)))
        .order(ByteOrder.LITTLE_ENDIAN);
    int step = buf.capacity() / itemSize;
    for (int start = 0; start < count; start += step) {
      int len = Math.min(step, count - start);
      buf.clear();
      buf.limit(len * itemSize);
      readFully(ch, buf, file, "array data");
      buf.flip();
      if (itemSize == 4) {
        buf.asFloatBuffer().get(out, start, len);
      } else {
        java.nio.DoubleBuffer db = buf.asDoubleBuffer();
        for (int i = 0; i < len; i++) {
          out[start + i] = (float) db.get(i);
        }
      }
    }
    return out;
  }

  /** Reorders column-major data of {@code shape} to row-major. */
  static float[] fortranToC(float[] f, long[] shape) {
    int rank = shape.length;
    long[] fStride = new long[rank]; // Fortran strides in elements: the first index varies fastest
    long s = 1;
    for (int k = 0; k < rank; k++) {
      fStride[k] = s;
      s *= shape[k];
    }
    float[] c = new float[f.length];
    int[] idx = new int[rank];
    long off = 0; // Fortran offset of the C-order element i
    for (int i = 0; i < c.length; i++) {
      c[i] = f[(int) off];
      for (int k = rank - 1; k >= 0; k--) { // odometer: the last index varies fastest in C order
        if (++idx[k] < shape[k]) {
          off += fStride[k];
          break;
        }
        off -= fStride[k] * (shape[k] - 1);
        idx[k] = 0;
      }
    }
    return c;
  }

  /** The bytes before the data: magic, version 1.0, header length, the dict padded to {@link #ALIGN}. */
  static byte[] header(String descr, long[] shape) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeTuple(shape) + ", }";
    int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1; // + '\n'
    int total = (unpadded + ALIGN - 1) / ALIGN * ALIGN;
    Preconditions.checkArgument(total - 10 <= 0xffff, "shape %s needs a header too long for .npy v1.0",
        shapeTuple(shape));
    String text = dict + " ".repeat(total - unpadded) + "\n";
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) (total - 10));
    b.put(text.getBytes(StandardCharsets.ISO_8859_1));
    return b.array();
  }

  /** {@code ()}, {@code (5,)}, {@code (3, 4)}: Python's tuple syntax, as the header needs. */
  static String shapeTuple(long[] shape) {
    if (shape.length == 1) {
      return "(" + shape[0] + ",)";
    }
    StringBuilder sb = new StringBuilder("(");
    for (int k = 0; k < shape.length; k++) {
      sb.append(k == 0 ? "" : ", ").append(shape[k]);
    }
    return sb.append(')').toString();
  }

  static long elementCount(long[] shape) {
    long n = 1;
    for (long s : shape) {
      n = Math.multiplyExact(n, s);
    }
    return n;
  }

  private static void readFully(FileChannel ch, ByteBuffer b, Path file, String what) throws IOException {
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        throw new IOException(file + ": truncated: end of file inside " + what);
      }
    }
  }
}
