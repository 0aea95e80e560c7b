package org.anisoscope.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * An append-only CSV file in {@link Csv}'s format with a header row. Each call appends whole rows with a single
 * write of the complete lines, so a crash never leaves half a row; a torn last line (a kill during the write) is
 * dropped on reopening.
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
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw e;
    } catch (IOException e) {
      throw OutputException.of(file, e);
    }
    CsvLog log = new CsvLog(file, columns, ch);
    try {
      log.writeLines(Csv.row(columns));
    } catch (IOException e) {
      log.close();
      throw e;
    }
    return log;
  }

  /**
   * Reopens an existing log for appending after a resume: keeps the header and the complete rows whose first
   * column (the step) is at most {@code keepUpToStep}, drops the rest (rows written after the checkpoint the run
   * resumes from, and any torn last line), so no row is lost or duplicated. The truncated file replaces the old
   * one atomically ({@link AtomicFiles}): a kill during the resume leaves the old log.
   */
  public static CsvLog resume(Path file, List<String> columns, long keepUpToStep) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new BadInputException(file + ": missing; cannot resume this run's log");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new BadInputException(file + ": not UTF-8 text; expected the run's CSV log");
    }
    String[] lines = text.split("\n", -1);
    String header = Csv.row(columns).strip();
    if (!lines[0].equals(header)) {
      throw new BadInputException(file + ": header is not " + header);
    }
    StringBuilder kept = new StringBuilder(lines[0]).append('\n');
    for (int i = 1; i < lines.length - 1; i++) { // the last element follows the final '\n' (or is a torn line)
      String line = lines[i];
      int comma = line.indexOf(',');
      long step;
      try {
        step = Long.parseLong(comma < 0 ? line : line.substring(0, comma));
      } catch (NumberFormatException e) {
        throw new BadInputException(file + " line " + (i + 1) + ": expected a step number in the first column");
      }
      if (step <= keepUpToStep) {
        kept.append(line).append('\n');
      }
    }
    AtomicFiles.writeString(file, kept);
    try {
      return new CsvLog(file, columns, FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
    } catch (IOException e) {
      throw OutputException.of(file, e);
    }
  }

  /** Appends one row (see {@link Csv#cell} for the formatting). */
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
    if (values.length != columns.size()) {
      throw new IllegalArgumentException(file + ": " + values.length + " values for " + columns.size()
          + " columns " + columns);
    }
    return Csv.row(Arrays.asList(values));
  }

  private void writeLines(String text) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    try {
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
    } catch (IOException e) {
      throw OutputException.of(file, e);
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
