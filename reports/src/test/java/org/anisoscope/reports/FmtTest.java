package org.anisoscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Surefire runs under a German locale; set it here too so the test means the same from an IDE. */
class FmtTest {
  private static Locale saved;

  @BeforeAll
  static void german() {
    saved = Locale.getDefault();
    Locale.setDefault(Locale.GERMANY);
  }

  @AfterAll
  static void restore() {
    Locale.setDefault(saved);
  }

  @Test
  void numbersUsePointWhateverTheLocale() {
    assertEquals("0.25", Fmt.num(0.25));
    assertEquals("0.991235", Fmt.num(0.99123456));
    assertEquals("12", Fmt.num(12.0));
    assertEquals("-3.5", Fmt.num(-3.5));
    assertEquals("1.2346e-05", Fmt.num(1.23456e-5));
    assertEquals("0.2500", Fmt.fixed(0.25, 4));
  }

  @Test
  void nonFiniteNumbersAreSpelledAsJavaDoes() {
    assertEquals("NaN", Fmt.num(Double.NaN));
    assertEquals("Infinity", Fmt.num(Double.POSITIVE_INFINITY));
    assertEquals("-Infinity", Fmt.fixed(Double.NEGATIVE_INFINITY, 4));
  }

  @Test
  void htmlIsEscaped() {
    assertEquals("&lt;b&gt; &amp; &quot;x&quot; &#39;y&#39;", Fmt.html("<b> & \"x\" 'y'"));
  }
}
