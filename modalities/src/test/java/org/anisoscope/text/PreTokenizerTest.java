package org.anisoscope.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class PreTokenizerTest {
  @Test
  void splitsLikeGpt2() {
    assertEquals(List.of("Hello", " world", "'s", "  ", " end", "!!", " 2024", "\n"),
        PreTokenizer.split("Hello world's   end!! 2024\n"));
  }

  @Test
  void keepsNonLatinWordsWhole() {
    assertEquals(List.of("Η", " Ευρωπαϊκή", " Ένωση", " —", " kůň", " úpěl", "."),
        PreTokenizer.split("Η Ευρωπαϊκή Ένωση — kůň úpěl."));
  }

  @Test
  void piecesConcatenateToTheText() {
    for (String s : new String[] {Samples.europarlBodies(), Samples.EMOJI, "\u00A0x\u2003 y\t\t", "e\u0301t\u0301"}) {
      assertEquals(s, String.join("", PreTokenizer.split(s)));
    }
  }
}
