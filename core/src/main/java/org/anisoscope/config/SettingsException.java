package org.anisoscope.config;

/**
 * A configuration error, with a one-line message naming the key, where it was set (file and line, or the
 * command line) and what was expected. The CLI prints the message alone and exits non-zero.
 */
public final class SettingsException extends org.anisoscope.files.BadInputException {
  public SettingsException(String message) {
    super(message);
  }

  public SettingsException(String message, Throwable cause) {
    super(message, cause);
  }
}
