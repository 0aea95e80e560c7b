package org.anisoscope.files;

/**
 * Input the program cannot use — a configuration key or value, a data file, a checkpoint, a run directory, any
 * user-supplied file — with a one-line message naming the file (or key) and what was expected. The command lines
 * print the message alone and exit with code 2. Everything else that is thrown (in particular a bare
 * {@link IllegalArgumentException} or {@link IllegalStateException}) is a bug and ends with a stack trace.
 */
public class BadInputException extends RuntimeException {
  public BadInputException(String message) {
    super(oneLine(message));
  }

  public BadInputException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  static String oneLine(String message) {
    return String.valueOf(message).replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }
}
