package org.anisoscope.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CharTokenizerTest {
  @TempDir Path dir;

  @Test
  void roundTripsGreekAndNonBmpCharacters() {
    String text = Samples.GREEK + Samples.EMOJI + Samples.CZECH;
    CharTokenizer t = CharTokenizer.fit(text);
    assertEquals(text, t.decode(t.encode(text)));
  }

  @Test
  void anEmojiIsOneTokenNotTwoSurrogates() {
    CharTokenizer t = CharTokenizer.fit("a😀");
    assertEquals(CharTokenizer.FIRST_CHAR_ID + 2, t.vocabSize());
    assertEquals(1, t.encode("😀").length);
    assertEquals("😀".codePointAt(0), t.codePointOf(t.encode("😀")[0]));
  }

  @Test
  void vocabularyIsSortedByCodePointAfterTheSpecials() {
    CharTokenizer t = CharTokenizer.fit("cab😀a");
    assertArrayEquals(new int[] {2, 3, 4, 5}, t.encode("abc😀"));
    assertEquals(-1, t.codePointOf(CharTokenizer.UNK_ID));
  }

  @Test
  void unseenCodePointBecomesUnkAndDecodesToReplacementCharacter() {
    CharTokenizer t = CharTokenizer.fit("abc");
    int[] ids = t.encode("aζ🚀c");
    assertArrayEquals(new int[] {2, CharTokenizer.UNK_ID, CharTokenizer.UNK_ID, 4}, ids);
    assertEquals("a\uFFFD\uFFFDc", t.decode(ids));
  }

  @Test
  void hasUnkAndMaskIds() {
    CharTokenizer t = CharTokenizer.fit("abc");
    assertEquals(CharTokenizer.MASK_ID, t.maskId().getAsInt());
    assertEquals(CharTokenizer.UNK_ID, t.unkId().getAsInt());
  }

  @Test
  void saveAndLoadGiveTheSameTokenizer() throws Exception {
    String text = "quote \" backslash \\ tab\t newline\n nul\0 " + Samples.GREEK + Samples.EMOJI + "\uD800 lone";
    CharTokenizer t = CharTokenizer.fit(text);
    Path file = dir.resolve("char.json");
    t.save(file);
    CharTokenizer back = CharTokenizer.load(file);
    assertEquals(t.vocabSize(), back.vocabSize());
    assertArrayEquals(t.encode(text), back.encode(text));
    assertEquals(text, back.decode(back.encode(text)));
  }

  @Test
  void loadRejectsAnotherTokenizersFileInOneLine() throws Exception {
    Path file = dir.resolve("byte.json");
    new ByteTokenizer().save(file);
    org.anisoscope.files.BadInputException e = assertThrows(org.anisoscope.files.BadInputException.class, () -> CharTokenizer.load(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void decodeRejectsIdOutsideVocabulary() {
    CharTokenizer t = CharTokenizer.fit("ab");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {4}));
    assertTrue(e.getMessage().contains("4"), e.getMessage());
  }

  @Test
  void fitRefusesEmptyText() {
    assertThrows(IllegalArgumentException.class, () -> CharTokenizer.fit(""));
  }

  @Test
  void savedFileIsUtf8Json() throws Exception {
    Path file = dir.resolve("c.json");
    CharTokenizer.fit("é").save(file);
    assertEquals("{\"tokenizer\":\"char\",\"format\":1,\"vocab\":[\"<unk>\",\"<mask>\",\"é\"]}\n",
        Files.readString(file));
  }
}
