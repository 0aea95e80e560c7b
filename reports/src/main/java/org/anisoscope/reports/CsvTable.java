package org.anisoscope.reports;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A small, strict reader of the run directory's CSV files ({@code train.csv}, {@code eval.csv},
 * {@code probes.csv}): a header row, then one row per line, comma-separated, {@code .} decimal point whatever the
 * locale. Fields may be double-quoted (RFC 4180, within one line). Blank lines are skipped.
 *
 * <p>Strict: a row with a different number of fields than the header, a duplicate column, or a number that does
 * not parse fails with a one-line {@link ReportException} naming the file and the line. Numbers accept
 * {@code NaN}, {@code Infinity}, {@code -Infinity} (and the lower-case {@code nan}, {@code inf} NumPy writes).
 */
public final class CsvTable {
  private final Path file;
  private final ImmutableList<String> header;
  private final ImmutableMap<String, Integer> columnIndex;
  private final List<String[]> rows;
  private final int[] lineNumbers; // 1-based line in the file of each row, for error messages

  private CsvTable(Path file, List<String> header, List<String[]> rows, int[] lineNumbers) {
    this.file = file;
    this.header = ImmutableList.copyOf(header);
    ImmutableMap.Builder<String, Integer> index = ImmutableMap.builder();
    for (int i = 0; i < header.size(); i++) {
      index.put(header.get(i), i);
    }
    this.columnIndex = index.build();
    this.rows = rows;
    this.lineNumbers = lineNumbers;
  }

  /** Reads {@code file}; an empty file gives a table with no header and no rows. */
  public static CsvTable read(Path file) {
    String text;
    try {
      byte[] bytes = Files.readAllBytes(file);
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (NoSuchFileException e) {
      throw new ReportException(file + ": no such file (expected a CSV file)");
    } catch (CharacterCodingException e) {
      throw new ReportException(file + ": not UTF-8 text (expected a CSV file)");
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
    return parse(file, text);
  }

  /** {@link #read} when the file exists, else empty. */
  public static Optional<CsvTable> readIfPresent(Path file) {
    return Files.isRegularFile(file) ? Optional.of(read(file)) : Optional.empty();
  }

  /** Parses {@code text}; {@code file} only names the source in error messages. */
  public static CsvTable parse(Path file, String text) {
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // a byte-order mark is not part of the first column's name
    }
    String[] lines = text.split("\r?\n", -1);
    List<String> header = null;
    List<String[]> rows = new ArrayList<>();
    List<Integer> lineNumbers = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank()) {
        continue;
      }
      int lineNumber = i + 1;
      String[] fields = split(file, lineNumber, line);
      if (header == null) {
        header = List.of(fields);
        for (int c = 0; c < fields.length; c++) {
          if (fields[c].isEmpty()) {
            throw new ReportException(where(file, lineNumber) + ": header column " + (c + 1) + " is empty");
          }
          if (header.subList(0, c).contains(fields[c])) {
            throw new ReportException(where(file, lineNumber) + ": duplicate header column '" + fields[c] + "'");
          }
        }
      } else {
        if (fields.length != header.size()) {
          throw new ReportException(where(file, lineNumber) + ": expected " + header.size() + " fields ("
              + String.join(",", header) + "), found " + fields.length);
        }
        rows.add(fields);
        lineNumbers.add(lineNumber);
      }
    }
    return new CsvTable(file, header == null ? List.of() : header, rows,
        lineNumbers.stream().mapToInt(Integer::intValue).toArray());
  }

  private static String[] split(Path file, int lineNumber, String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    while (true) {
      field.setLength(0);
      if (i < line.length() && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= line.length()) {
            throw new ReportException(where(file, lineNumber) + ": unterminated quoted field");
          }
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < line.length() && line.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              break;
            }
          } else {
            field.append(c);
          }
        }
        if (i < line.length() && line.charAt(i) != ',') {
          throw new ReportException(where(file, lineNumber) + ": text after a closing quote");
        }
      } else {
        int comma = line.indexOf(',', i);
        int end = comma < 0 ? line.length() : comma;
        field.append(line, i, end);
        i = end;
      }
      fields.add(field.toString());
      if (i >= line.length()) {
        return fields.toArray(new String[0]);
      }
      i++; // the comma
    }
  }

  private static String where(Path file, int lineNumber) {
    return file + " line " + lineNumber;
  }

  public Path file() {
    return file;
  }

  /** The column names in file order; empty for an empty file. */
  public List<String> header() {
    return header;
  }

  /** Data rows (the header not counted). */
  public int rowCount() {
    return rows.size();
  }

  public boolean hasColumn(String column) {
    return columnIndex.containsKey(column);
  }

  /** Fails, naming the file and the columns it has, unless every one of {@code columns} is present. */
  public CsvTable requireColumns(String... columns) {
    for (String column : columns) {
      if (!hasColumn(column)) {
        throw new ReportException(file + ": missing column '" + column + "' (header: "
            + (header.isEmpty() ? "none, the file is empty" : String.join(",", header)) + ")");
      }
    }
    return this;
  }

  /** The 1-based line number of data row {@code row} in the file. */
  public int lineOf(int row) {
    return lineNumbers[row];
  }

  /** The raw text of a field. */
  public String string(int row, String column) {
    return rows.get(row)[index(column)];
  }

  /** True when the field is the empty string (e.g. {@code head} of a metric that is not per head). */
  public boolean isEmpty(int row, String column) {
    return string(row, column).isEmpty();
  }

  /** A floating-point field; fails naming file, line and column when it is empty or not a number. */
  public double number(int row, String column) {
    String s = string(row, column).strip();
    Double special = special(s);
    if (special != null) {
      return special;
    }
    if (!s.isEmpty() && looksDecimal(s)) {
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new ReportException(where(file, lineOf(row)) + ": column '" + column + "': expected a number, found '"
        + string(row, column) + "'");
  }

  /** An integer field; fails naming file, line and column when it is empty or not an integer. */
  public long integer(int row, String column) {
    String s = string(row, column).strip();
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new ReportException(where(file, lineOf(row)) + ": column '" + column + "': expected an integer, found '"
          + string(row, column) + "'");
    }
  }

  /** Rows, columns and the file, for debugging. */
  @Override
  public String toString() {
    return file + " [" + rows.size() + " rows: " + String.join(",", header) + "]";
  }

  private int index(String column) {
    Integer i = columnIndex.get(column);
    if (i == null) {
      throw new ReportException(file + ": missing column '" + column + "' (header: " + String.join(",", header) + ")");
    }
    return i;
  }

  private static Double special(String s) {
    switch (s.toLowerCase(Locale.ROOT)) {
      case "nan":
      case "+nan":
      case "-nan":
        return Double.NaN;
      case "infinity":
      case "+infinity":
      case "inf":
      case "+inf":
        return Double.POSITIVE_INFINITY;
      case "-infinity":
      case "-inf":
        return Double.NEGATIVE_INFINITY;
      default:
        return null;
    }
  }

  // Double.parseDouble also takes "1d", "0x1p3" and surrounding blanks; a CSV number is plain decimal only.
  private static boolean looksDecimal(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
        return false;
      }
    }
    return true;
  }
}
