package org.anisoscope.reports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a 2-D NumPy {@code .npy} file of little-endian float32 or float64 (versions 1.0–3.0, C order) as the probe
 * writes them ({@code probes/step-<S>/<hook>.npy}, {@code [N, d]}), without ND4J: the reports read files only.
 * Anything else fails with a {@link ReportException} naming the file and what was expected.
 */
final class NpyFile {
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  final int rows;
  final int cols;
  /** Row-major {@code [rows, cols]}. */
  final float[] data;

  private NpyFile(int rows, int cols, float[] data) {
    this.rows = rows;
    this.cols = cols;
    this.data = data;
  }

  static NpyFile read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 10 || (bytes[0] & 0xFF) != 0x93 || bytes[1] != 'N' || bytes[2] != 'U' || bytes[3] != 'M'
        || bytes[4] != 'P' || bytes[5] != 'Y') {
      throw bad(file, "no NumPy magic number");
    }
    int major = bytes[6];
    int headerLen;
    int start;
    if (major == 1) {
      headerLen = Short.toUnsignedInt(b.getShort(8));
      start = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) {
        throw bad(file, "truncated header");
      }
      headerLen = b.getInt(8);
      start = 12;
    } else {
      throw bad(file, "format version " + major + ".x");
    }
    if (headerLen < 0 || start + headerLen > bytes.length) {
      throw bad(file, "truncated header");
    }
    String header = new String(bytes, start, headerLen, StandardCharsets.ISO_8859_1);
    Matcher descr = DESCR.matcher(header);
    Matcher order = ORDER.matcher(header);
    Matcher shape = SHAPE.matcher(header);
    if (!descr.find() || !order.find() || !shape.find()) {
      throw bad(file, "a header without descr, fortran_order and shape");
    }
    if (order.group(1).equals("True")) {
      throw bad(file, "Fortran order");
    }
    String[] dims = shape.group(1).replace(" ", "").split(",");
    if (dims.length != 2 || !dims[0].matches("\\d{1,9}") || !dims[1].matches("\\d{1,9}")) {
      throw bad(file, "shape (" + shape.group(1) + ")");
    }
    int rows = Integer.parseInt(dims[0]);
    int cols = Integer.parseInt(dims[1]);
    int item = switch (descr.group(1)) {
      case "<f4" -> 4;
      case "<f8" -> 8;
      default -> throw bad(file, "dtype " + descr.group(1));
    };
    long need = (long) rows * cols * item;
    int data = start + headerLen;
    if (need > Integer.MAX_VALUE || data + need > bytes.length) {
      throw bad(file, "fewer data bytes than shape (" + rows + ", " + cols + ") needs");
    }
    float[] out = new float[rows * cols];
    for (int i = 0; i < out.length; i++) {
      out[i] = item == 4 ? b.getFloat(data + 4 * i) : (float) b.getDouble(data + 8 * i);
    }
    return new NpyFile(rows, cols, out);
  }

  private static ReportException bad(Path file, String found) {
    return new ReportException(file + ": " + found + " (expected a 2-D little-endian float32/float64 .npy file, "
        + "C order, as probe.save-vectors writes)");
  }
}
