package org.anisoscope.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTokenizerTest {
  private static String english;
  private static BpeTokenizer bpe;

  @BeforeAll
  static void train() {
    english = Samples.mobyDick();
    bpe = BpeTokenizer.train(english, 600);
  }

  @Test
  void trainingTwiceGivesIdenticalMerges() {
    assertArrayEquals(bpe.merges(), BpeTokenizer.train(english, 600).merges());
  }

  @Test
  void incrementalTrainerEqualsNaiveRescanTrainer() {
    for (String text : new String[] {english, Samples.europarlBodies()}) {
      int[][] expected = NaiveBpe.train(text, 400, BpeTokenizer.FIRST_MERGE_ID, BpeTokenizer.MIN_PAIR_COUNT);
      assertArrayEquals(expected, BpeTrainer.train(text, 400, BpeTokenizer.FIRST_MERGE_ID,
          BpeTokenizer.MIN_PAIR_COUNT));
    }
  }

  @Test
  void vocabSizeIsRespected() {
    assertEquals(600, bpe.vocabSize());
    for (int id : bpe.encode(english)) {
      assertTrue(id >= 0 && id < 600 && (id < 256 || id >= 260), "id " + id);
    }
  }

  @Test
  void stopsEarlyWhenNoPairRepeats() {
    BpeTokenizer small = BpeTokenizer.train("abab cd", 4096);
    assertEquals(261, small.vocabSize()); // only "ab" occurs twice
    assertEquals("ab", new String(small.tokenBytes(260), StandardCharsets.US_ASCII));
  }

  @Test
  void compressesTheTrainingText() {
    int bytes = english.getBytes(StandardCharsets.UTF_8).length;
    int tokens = bpe.encode(english).length;
    assertTrue(bytes > 2 * tokens, bytes + " bytes, " + tokens + " tokens");
  }

  @Test
  void roundTripsGreekAndCzechUnseenInTraining() {
    for (String s : new String[] {Samples.GREEK, Samples.CZECH, Samples.EMOJI, " \t\n\n  x  ", "", "don't 12,5 %"}) {
      assertEquals(s, bpe.decode(bpe.encode(s)));
    }
  }

  @Test
  void roundTripsWhenTrainedOnGreekAndCzech() {
    String text = Samples.europarlBodies() + (Samples.GREEK + " " + Samples.CZECH + "\n").repeat(5);
    BpeTokenizer multi = BpeTokenizer.train(text, 800);
    assertEquals(text, multi.decode(multi.encode(text)));
    assertTrue(multi.encode(Samples.GREEK).length < Samples.GREEK.getBytes(StandardCharsets.UTF_8).length / 3);
  }

  @Test
  void roundTripsRandomUnicode() {
    Random rnd = new Random(11);
    for (int trial = 0; trial < 100; trial++) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < 50; i++) {
        int cp;
        do {
          cp = rnd.nextBoolean() ? rnd.nextInt(0x3000) : rnd.nextInt(Character.MAX_CODE_POINT + 1);
        } while (Character.getType(cp) == Character.SURROGATE);
        b.appendCodePoint(cp);
      }
      String s = b.toString();
      assertEquals(s, bpe.decode(bpe.encode(s)));
    }
  }

  @Test
  void mergesNeverCrossPreTokenizerPieces() {
    for (int id = BpeTokenizer.FIRST_MERGE_ID; id < bpe.vocabSize(); id++) {
      String piece = new String(bpe.tokenBytes(id), StandardCharsets.UTF_8);
      String inner = piece.strip();
      assertTrue(inner.isEmpty() || !inner.contains(" "), "token '" + piece + "' spans a space");
    }
  }

  @Test
  void saveAndLoadGiveIdenticalEncodings(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bpe.json");
    bpe.save(file);
    BpeTokenizer back = BpeTokenizer.load(file);
    assertArrayEquals(bpe.merges(), back.merges());
    assertArrayEquals(bpe.encode(english), back.encode(english));
    assertTrue(Files.readString(file).startsWith("{\"tokenizer\":\"bpe\""));
  }

  @Test
  void loadRejectsAMergeOfALaterId(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.json");
    bpe.save(file);
    String text = Files.readString(file).replaceFirst("\\[\\d+,\\d+\\]", "[999,1]");
    Files.writeString(file, text);
    org.anisoscope.files.BadInputException e = assertThrows(org.anisoscope.files.BadInputException.class, () -> BpeTokenizer.load(file));
    assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("merge 0"), e.getMessage());
  }

  @Test
  void trainRejectsVocabularySmallerThanBytesAndSpecials() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.train("x", 100));
    assertTrue(e.getMessage().contains("100"), e.getMessage());
  }

  @Test
  void hasTheByteSpecials() {
    assertEquals(ByteTokenizer.MASK_ID, bpe.maskId().getAsInt());
    assertEquals("", bpe.decode(new int[] {ByteTokenizer.BOS_ID, ByteTokenizer.MASK_ID}));
  }
}
