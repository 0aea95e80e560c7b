package org.anisoscope.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteTokenizerTest {
  private final ByteTokenizer t = new ByteTokenizer();

  @Test
  void roundTripsTextInAnyScript() {
    String text = Samples.GREEK + Samples.CZECH + Samples.EMOJI;
    assertEquals(text.getBytes(StandardCharsets.UTF_8).length, t.encode(text).length);
    assertEquals(text, t.decode(t.encode(text)));
  }

  @Test
  void bytesRoundTripExactlyOnRandomBytesIncludingInvalidUtf8() {
    Random rnd = new Random(20240517L);
    for (int trial = 0; trial < 200; trial++) {
      byte[] bytes = new byte[rnd.nextInt(300)];
      rnd.nextBytes(bytes);
      int[] ids = t.encodeBytes(bytes);
      for (int id : ids) {
        assertEquals(true, id >= 0 && id < 256, "id " + id);
      }
      assertArrayEquals(bytes, t.decodeBytes(ids));
    }
  }

  @Test
  void decodeOfInvalidUtf8GivesReplacementCharactersNotAnException() {
    int[] ids = {'a', 0xC3, 'b', 0xFF, 0xE2, 0x82, 'c', 0xF0, 0x9F, 0x98, 0x80}; // lone lead, 0xFF, cut 3-byte
    assertEquals("a\uFFFDb\uFFFD\uFFFDc😀", t.decode(ids));
    Random rnd = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      int[] random = rnd.ints(rnd.nextInt(200), 0, ByteTokenizer.VOCAB_SIZE).toArray();
      t.decode(random); // must not throw
    }
  }

  @Test
  void specialsHaveDocumentedIdsAndDecodeToNothing() {
    assertEquals(260, t.vocabSize());
    assertEquals(256, t.padId().getAsInt());
    assertEquals(257, t.bosId().getAsInt());
    assertEquals(258, t.eosId().getAsInt());
    assertEquals(259, t.maskId().getAsInt());
    assertEquals("ab", t.decode(new int[] {257, 'a', 259, 'b', 258, 256}));
  }

  @Test
  void decodeRejectsIdOutsideVocabulary() {
    assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {260}));
    assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {-1}));
  }

  @Test
  void saveAndLoad(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("byte.json");
    t.save(file);
    assertEquals(t.vocabSize(), ByteTokenizer.load(file).vocabSize());
  }
}
