package org.anisoscope.reports;

/**
 * An input the reports cannot use (a missing run directory, a malformed CSV row). The message is one line that
 * names the path (and line) and says what was expected, so the command line can print it without a stack trace.
 */
public final class ReportException extends org.anisoscope.files.BadInputException {
  public ReportException(String message) {
    super(oneLine(message));
  }

  public ReportException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  private static String oneLine(String message) {
    return message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }
}
