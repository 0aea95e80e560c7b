package org.anisoscope.files;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one way a whole file is written in this project (checkpoints, provenance, config, tokenizer, {@code .npy},
 * the CSV truncation of a resume, HTML reports, samples, parity outputs, comparisons): a temporary file in the
 * same directory, the content, {@link FileChannel#force}, an atomic rename over the target, then an fsync of the
 * directory where the file system allows it. A reader (or a resumed run) sees the old file or the new one, never
 * half of one; a power loss after the call returns keeps the new one.
 *
 * <p>A write that fails (disk full, a directory that cannot be written) deletes its temporary file, leaves the
 * previous file as it was, and throws an {@link OutputException} naming the target. A process killed in the
 * middle leaves a {@code .<name>.<random>.tmp} sibling that {@link #isTemporary} recognises, so a resume can
 * delete it.
 */
public final class AtomicFiles {
  /** Suffix of the temporary siblings; nothing else in a run directory ends in it. */
  public static final String TEMP_SUFFIX = ".tmp";

  private static final int BUFFER_BYTES = 1 << 16;

  private AtomicFiles() {
  }

  /** Writes a file's content to a stream (it need not close or buffer it). */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Test seam: wraps the stream the content is written to, so a test can fail the write after K bytes (a full
   * disk, a killed writer). Production code passes {@link #PLAIN}.
   */
  @FunctionalInterface
  public interface StreamWrapper {
    OutputStream wrap(OutputStream out);
  }

  /** The identity wrapper. */
  public static final StreamWrapper PLAIN = out -> out;

  public static void write(Path file, Content content) throws OutputException {
    write(file, content, PLAIN);
  }

  public static void writeString(Path file, CharSequence text) throws OutputException {
    writeBytes(file, text.toString().getBytes(StandardCharsets.UTF_8));
  }

  public static void writeBytes(Path file, byte[] bytes) throws OutputException {
    write(file, out -> out.write(bytes));
  }

  /** {@link #write(Path, Content)} with the content's stream passed through {@code wrapper} (a test seam). */
  public static void write(Path file, Content content, StreamWrapper wrapper) throws OutputException {
    Objects.requireNonNull(content, "content");
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw OutputException.of(dir, e);
    }
    Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current()
        .nextLong() >>> 1) + TEMP_SUFFIX);
    boolean moved = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(wrapper.wrap(Channels.newOutputStream(ch)), BUFFER_BYTES);
        content.writeTo(out);
        out.flush(); // not close(): that would close the channel before force
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
      syncDirectory(dir);
    } catch (IOException e) {
      throw OutputException.of(target, e);
    } finally {
      if (!moved) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the write's own failure is the one to report; a resume deletes what is left
        }
      }
    }
  }

  /** True for the temporary siblings this class writes (left behind only by a killed process). */
  public static boolean isTemporary(Path p) {
    String name = p.getFileName().toString();
    return name.startsWith(".") && name.endsWith(TEMP_SUFFIX);
  }

  /**
   * Makes the rename durable: fsync of the directory. Linux allows it; some file systems and Windows refuse to
   * open a directory for it, which is not an error (the rename itself is already atomic there).
   */
  static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // not supported here
    }
  }
}
