package org.anisoscope.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The callers' default BPE on the default corpus; measured 2.2 s on 2 cores (see package-info). */
@Tag("slow")
class BpeTrainingSpeedTest {
  @Test
  void trains4096IdsOnEnglishEuroparlWellUnderAMinute() {
    String en = TextCorpus.europarlEnglish();
    long start = System.nanoTime();
    BpeTokenizer bpe = BpeTokenizer.train(en, BpeTokenizer.DEFAULT_VOCAB_SIZE);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "BPE 4096 on %d chars of English Europarl: %.2f s%n", en.length(), seconds);
    assertEquals(4096, bpe.vocabSize());
    assertTrue(seconds < 30, String.format(Locale.ROOT, "%.1f s", seconds));
    assertEquals(en, bpe.decode(bpe.encode(en)));
  }
}
