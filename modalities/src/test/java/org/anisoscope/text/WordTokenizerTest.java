package org.anisoscope.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordTokenizerTest {
  @Test
  void keepsTheTopKByCountWithTiesBrokenByString() {
    // counts: the 3, cat 2, dog 2, "." 2, a 1
    WordTokenizer t = WordTokenizer.fit("The cat. The dog. the cat a dog", 3);
    assertEquals(5, t.vocabSize());
    assertEquals("the", t.token(2));
    assertEquals(".", t.token(3)); // "." < "cat" < "dog"
    assertEquals("cat", t.token(4));
  }

  @Test
  void wordsOutsideTheTopKBecomeUnk() {
    WordTokenizer t = WordTokenizer.fit("b b b a a c", 2);
    assertArrayEquals(new int[] {2, 3, WordTokenizer.UNK_ID, WordTokenizer.UNK_ID}, t.encode("b a c zebra"));
    assertEquals("b a <unk> <unk>", t.decode(t.encode("b a c zebra")));
  }

  @Test
  void lowerCasesByDefaultAndCanKeepCase() {
    assertTrue(WordTokenizer.fit("Hello", 5).lowercase());
    assertEquals(1, WordTokenizer.fit("Hello hello HELLO", 5).vocabSize() - WordTokenizer.FIRST_WORD_ID);
    assertEquals(3, WordTokenizer.fit("Hello hello HELLO", 5, false).vocabSize() - WordTokenizer.FIRST_WORD_ID);
  }

  @Test
  void splitsPunctuationAndKeepsInnerApostrophes() {
    assertEquals(List.of("don't", "stop", ",", "l'europe", "—", "ευρώπη", "!", "2024"),
        WordTokenizer.split("Don't stop, l'Europe — Ευρώπη! 2024", true));
  }

  @Test
  void decodeJoinsWithSpacesAndIsLossy() {
    WordTokenizer t = WordTokenizer.fit("Hello, world!", 10);
    String back = t.decode(t.encode("Hello, world!"));
    assertEquals("hello , world !", back);
    assertFalse(back.equals("Hello, world!"));
  }

  @Test
  void saveAndLoadGiveTheSameIds(@TempDir Path dir) throws Exception {
    String text = Samples.mobyDick();
    WordTokenizer t = WordTokenizer.fit(text, 500, false);
    Path file = dir.resolve("word.json");
    t.save(file);
    WordTokenizer back = WordTokenizer.load(file);
    assertEquals(t.lowercase(), back.lowercase());
    assertArrayEquals(t.encode(text), back.encode(text));
  }

  @Test
  void hasMaskAndUnk() {
    WordTokenizer t = WordTokenizer.fit("a", 1);
    assertEquals(1, t.maskId().getAsInt());
    assertEquals(0, t.unkId().getAsInt());
  }
}
