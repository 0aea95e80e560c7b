package org.anisoscope.reports;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Number and text formatting for the reports: always {@code .} as decimal point ({@link Locale#ROOT}). */
final class Fmt {
  private Fmt() {}

  /**
   * {@code v} with at most 6 significant digits and no trailing zeros ({@code 0.25}, {@code 0.991235}, {@code 12});
   * plain notation for magnitudes in [1e-4, 1e7), else {@code 1.2346e-05}. {@code NaN}, {@code Infinity} as Java.
   */
  static String num(double v) {
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e-4 && a < 1e7) {
      return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }
    return String.format(Locale.ROOT, "%.4e", v);
  }

  /** {@code v} with exactly {@code decimals} decimals, for aligned terminal tables. */
  static String fixed(double v, int decimals) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : Double.toString(v);
  }

  /** Escapes text for HTML element content and double-quoted attribute values. */
  static String html(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
