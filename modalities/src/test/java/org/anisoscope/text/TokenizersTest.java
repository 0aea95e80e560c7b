package org.anisoscope.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;

import org.anisoscope.data.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizersTest {
  private static final String TEXT = Samples.mobyDick();

  @Test
  void knowsTheFourKinds() {
    assertEquals(Set.of("bpe", "byte", "char", "word"), Tokenizers.names());
  }

  @Test
  void fitsEachKindByNameWithTheRequestedVocabulary() {
    assertInstanceOf(CharTokenizer.class, Tokenizers.fit("char", TEXT, 4096));
    assertEquals(260, Tokenizers.fit("byte", TEXT, 4096).vocabSize());
    assertEquals(500, Tokenizers.fit("bpe", TEXT, 500).vocabSize());
    assertEquals(300, Tokenizers.fit("word", TEXT, 300).vocabSize());
  }

  @Test
  void unknownNameListsTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tokenizers.fit("sentencepiece", TEXT, 100));
    assertTrue(e.getMessage().contains("sentencepiece") && e.getMessage().contains("bpe, byte, char, word"),
        e.getMessage());
  }

  @Test
  void savedFileLoadsBackByItsOwnName(@TempDir Path dir) throws Exception {
    for (String name : Tokenizers.names()) {
      Tokenizer t = Tokenizers.fit(name, TEXT, 400);
      Path file = dir.resolve(name + ".json");
      t.save(file);
      Tokenizer back = Tokenizers.load(file);
      assertEquals(name, back.name());
      assertEquals(t.vocabSize(), back.vocabSize());
      assertEquals(t.decode(t.encode(TEXT)), back.decode(back.encode(TEXT)));
      assertEquals(name, Tokenizers.load(name, file).name());
    }
  }

  @Test
  void loadingAFileAsTheWrongKindFailsNamingBoth(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("w.json");
    Tokenizers.fit("word", TEXT, 50).save(file);
    org.anisoscope.files.BadInputException e = assertThrows(org.anisoscope.files.BadInputException.class, () -> Tokenizers.load("bpe", file));
    assertTrue(e.getMessage().contains("\"word\"") && e.getMessage().contains("\"bpe\""), e.getMessage());
  }

  @Test
  void everyKindHasAMaskIdInsideItsVocabulary() {
    for (String name : Tokenizers.names()) {
      Tokenizer t = Tokenizers.fit(name, TEXT, 400);
      int mask = Tokenizers.maskId(t).orElseThrow();
      assertTrue(mask >= 0 && mask < t.vocabSize(), name + " mask " + mask);
    }
  }
}
