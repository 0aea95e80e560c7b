package org.anisoscope.files;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An output that could not be written: the disk is full, or the run directory (or a file in it) cannot be
 * written. Not bad input and not a bug: the command line prints the one-line message, which names the path, and
 * exits with its own code.
 */
public final class OutputException extends IOException {
  private final Path path;

  public OutputException(Path path, String message, Throwable cause) {
    super(message, cause);
    this.path = path;
  }

  /** Wraps the file system's error, keeping its reason (e.g. "No space left on device"). */
  public static OutputException of(Path path, IOException cause) {
    if (cause instanceof OutputException o) {
      return o;
    }
    String reason = cause instanceof java.nio.file.FileSystemException fse && fse.getReason() != null
        ? fse.getReason() : cause.getClass().getSimpleName() + (cause.getMessage() == null ? ""
        : ": " + cause.getMessage());
    return new OutputException(path, "cannot write " + path + " (" + reason.replaceAll("\\s*[\\r\\n]+\\s*", " ")
        + ")", cause);
  }

  public Path path() {
    return path;
  }
}
