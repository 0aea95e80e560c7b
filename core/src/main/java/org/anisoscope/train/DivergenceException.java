package org.anisoscope.train;

/** Loss or gradients became NaN/Inf; the message names the step and the first offending tensor. */
public final class DivergenceException extends RuntimeException {
  public DivergenceException(String message) {
    super(message);
  }
}
