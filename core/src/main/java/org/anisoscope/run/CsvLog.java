package org.anisoscope.run;

import com.google.common.base.Preconditions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An append-only CSV file (comma, {@code .} decimal point whatever the locale, header row). Each call appends
 * whole rows with a single write of the complete lines, so a crash never leaves half a row; a torn last line
 * (a kill during the write) is dropped on reopening.
 */
public final class CsvLog implements AutoCloseable {
  private final Path file;
  private final List<String> columns;
  private final FileChannel channel;

  private CsvLog(Path file, List<String> columns, FileChannel channel) {
    this.file = file;
    this.columns = List.copyOf(columns);
    this.channel = channel;
  }

  /** Creates the file with its header; fails if it exists. */
  public static CsvLog create(Path file, List<String> columns) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
    CsvLog log = new CsvLog(file, columns, ch);
    log.writeLines(String.join(",", columns) + "\n");
    return log;
  }

  /**
   * Reopens an existing log for appending after a resume: keeps the header and the complete rows whose first
   * column (the step) is at most {@code keepUpToStep}, drops the rest (rows written after the checkpoint the run
   * resumes from, and any torn last line), so no row is lost or duplicated.
   */
  public static CsvLog resume(Path file, List<String> columns, long keepUpToStep) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new java.nio.file.NoSuchFileException(file + ": missing; cannot resume this run's log");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IOException(file + ": not UTF-8 text; expected the run's CSV log");
    }
    String[] lines = text.split("\n", -1);
    if (!lines[0].equals(String.join(",", columns))) {
      throw new IOException(file + ": header is not " + String.join(",", columns));
    }
    StringBuilder kept = new StringBuilder(lines[0]).append('\n');
    for (int i = 1; i < lines.length - 1; i++) { // the last element follows the final '\n' (or is a torn line)
      String line = lines[i];
      int comma = line.indexOf(',');
      long step;
      try {
        step = Long.parseLong(comma < 0 ? line : line.substring(0, comma));
      } catch (NumberFormatException e) {
        throw new IOException(file + " line " + (i + 1) + ": expected a step number in the first column");
      }
      if (step <= keepUpToStep) {
        kept.append(line).append('\n');
      }
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, kept, StandardCharsets.UTF_8);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    return new CsvLog(file, columns, ch);
  }

  /** Appends one row; numbers are formatted with {@link #format(Object)}. */
  public void append(Object... values) throws IOException {
    writeLines(row(values));
  }

  /** Appends many rows in one write. */
  public void appendAll(List<Object[]> rows) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Object[] r : rows) {
      sb.append(row(r));
    }
    if (sb.length() > 0) {
      writeLines(sb.toString());
    }
  }

  private String row(Object[] values) {
    Preconditions.checkArgument(values.length == columns.size(), "%s: %s values for %s columns %s", file,
        values.length, columns.size(), columns);
    List<String> cells = new ArrayList<>(values.length);
    for (Object v : values) {
      cells.add(format(v));
    }
    return String.join(",", cells) + "\n";
  }

  /** Locale-independent: doubles in Java's shortest round-trip form, {@code NaN}/{@code Infinity} as is. */
  public static String format(Object v) {
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
    Preconditions.checkArgument(s.indexOf(',') < 0 && s.indexOf('\n') < 0 && s.indexOf('"') < 0,
        "CSV cell needs no quoting here: %s", s);
    return s;
  }

  private void writeLines(String text) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
