package org.anisoscope.reports.claims;

import java.util.Locale;

/**
 * A verdict with why ({@code reason}, empty when it simply holds) and the numbers it rests on ({@code values}).
 */
public record Outcome(Verdict verdict, String reason, String values) {
  static Outcome inconclusive(String reason) {
    return new Outcome(Verdict.INCONCLUSIVE, reason, "");
  }

  /** A number as the claims table prints it (3 decimals, '.' whatever the locale; "NaN" kept visible). */
  static String f(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : Double.toString(v);
  }
}
