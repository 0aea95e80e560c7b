package org.anisoscope.text;

import org.anisoscope.config.Settings;
import org.anisoscope.config.SettingsException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A vocabulary too small for its tokenizer is bad input (exit 2), not an internal IllegalArgumentException. */
class TextDataValidateTest {
  @Test
  void aVocabularyTooSmallForItsTokenizerNamesTheKey() {
    for (String[] c : new String[][] {{"bpe", "100", "[260,"}, {"word", "2", "[3,"}}) {
      Settings s = Settings.load(null, List.of("data.text.tokenizer=" + c[0], "data.text.vocab-size=" + c[1]));
      SettingsException e = assertThrows(SettingsException.class, () -> TextData.validate(s));
      assertTrue(e.getMessage().contains("anisoscope.data.text.vocab-size") && e.getMessage().contains(c[2]),
          e.getMessage());
    }
    TextData.validate(Settings.load(null, List.of("data.text.tokenizer=bpe", "data.text.vocab-size=260")));
  }
}
