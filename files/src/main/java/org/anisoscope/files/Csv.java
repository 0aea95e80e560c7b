package org.anisoscope.files;

import java.util.List;

/**
 * The one CSV writer (comma, {@code .} decimal point whatever the locale, {@code \n} line ends, RFC 4180 quoting
 * only where a cell needs it), used by the append-only run logs ({@link CsvLog}) and by whole-file tables
 * (comparison, vector analysis), which go through {@link AtomicFiles}.
 */
public final class Csv {
  private Csv() {
  }

  /**
   * One cell: {@code null} is empty; doubles and floats in Java's shortest round-trip form ({@code NaN},
   * {@code Infinity} as is), never a locale's decimal comma; text quoted when it holds a comma, quote or line end.
   */
  public static String cell(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double d) {
      return Double.toString(d);
    }
    if (v instanceof Float f) {
      return Float.toString(f);
    }
    String s = v.toString();
    if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }

  /** One line, ending in {@code \n}. */
  public static String row(List<?> values) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(cell(values.get(i)));
    }
    return b.append('\n').toString();
  }

  /** A whole table: the header, then one line per row; each row must have as many values as columns. */
  public static String table(List<String> columns, List<? extends List<?>> rows) {
    StringBuilder b = new StringBuilder(row(columns));
    for (List<?> r : rows) {
      if (r.size() != columns.size()) {
        throw new IllegalArgumentException(r.size() + " values for " + columns.size() + " columns " + columns);
      }
      b.append(row(r));
    }
    return b.toString();
  }
}
