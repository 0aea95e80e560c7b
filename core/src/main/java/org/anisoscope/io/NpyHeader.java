package org.anisoscope.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parsed header dict of a {@code .npy} file: {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }}. */
final class NpyHeader {
  private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
  private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

  final String descr;
  final boolean fortranOrder;
  final long[] shape;

  private NpyHeader(String descr, boolean fortranOrder, long[] shape) {
    this.descr = descr;
    this.fortranOrder = fortranOrder;
    this.shape = shape;
  }

  int itemSize() {
    return descr.equals("<f4") ? 4 : 8;
  }

  static NpyHeader parse(String text, Path file) throws IOException {
    String dict = text.strip();
    if (!dict.startsWith("{") || !dict.endsWith("}")) {
      throw new IOException(file + ": bad .npy header (expected a Python dict literal, found '" + oneLine(dict) + "')");
    }
    Matcher d = DESCR.matcher(dict);
    Matcher f = FORTRAN.matcher(dict);
    Matcher s = SHAPE.matcher(dict);
    if (!d.find() || !f.find() || !s.find()) {
      throw new IOException(file + ": bad .npy header (expected keys descr, fortran_order and shape, found '"
          + oneLine(dict) + "')");
    }
    String descr = d.group(1);
    if (!descr.equals("<f4") && !descr.equals("<f8")) {
      throw new IOException(file + ": unsupported dtype '" + descr + "' (expected '<f4' float32 or '<f8' float64)");
    }
    List<Long> dims = new ArrayList<>();
    for (String part : s.group(1).split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue; // "(5,)" and "()"
      }
      if (p.endsWith("L")) {
        p = p.substring(0, p.length() - 1); // Python 2 long literals, as old NumPy wrote them
      }
      try {
        long v = Long.parseLong(p);
        if (v < 0) {
          throw new NumberFormatException();
        }
        dims.add(v);
      } catch (NumberFormatException e) {
        throw new IOException(file + ": bad .npy shape '(" + s.group(1) + ")' (expected non-negative integers)");
      }
    }
    return new NpyHeader(descr, f.group(1).equals("True"), dims.stream().mapToLong(Long::longValue).toArray());
  }

  private static String oneLine(String s) {
    String t = s.replaceAll("\\s+", " ");
    return t.length() > 120 ? t.substring(0, 120) + "..." : t;
  }
}
