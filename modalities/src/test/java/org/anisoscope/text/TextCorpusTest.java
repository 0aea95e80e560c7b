package org.anisoscope.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCorpusTest {
  @TempDir Path dir;

  @Test
  void europarlEnglishIsEnglishAndLargeEnough() {
    String en = TextCorpus.europarlEnglish();
    String[] lines = en.split("\n");
    long withThe = Arrays.stream(lines).filter(l -> l.contains(" the ")).count();
    assertTrue(lines.length > 1200, lines.length + " lines");
    assertTrue(withThe > 0.98 * lines.length, withThe + " of " + lines.length + " lines contain \" the \"");
    assertTrue(en.getBytes(StandardCharsets.UTF_8).length > 1_200_000, en.length() + " chars");
  }

  @Test
  void europarlFindsEveryLanguageAndLeavesFewLinesUnidentified() {
    Map<String, long[]> counts = TextCorpus.europarlLanguageCounts();
    long total = counts.values().stream().mapToLong(c -> c[0]).sum();
    assertEquals(17_597, total);
    for (String lang : LanguageId.EUROPARL) {
      assertTrue(counts.containsKey(lang) && counts.get(lang)[0] > 300, lang);
    }
    assertTrue(counts.get("?")[0] < 0.01 * total, counts.get("?")[0] + " unidentified");
  }

  @Test
  void europarlAllKeepsEveryLine() {
    assertEquals(17_597, TextCorpus.europarl(Set.of(TextCorpus.ALL)).split("\n", -1).length - 1);
  }

  @Test
  void europarlRejectsAnUnknownLanguageListingTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TextCorpus.europarl(Set.of("xx")));
    assertTrue(e.getMessage().contains("'xx'") && e.getMessage().contains("en"), e.getMessage());
  }

  @Test
  void readUtf8ReadsTextAndDropsAByteOrderMark() throws Exception {
    Path file = dir.resolve("ok.txt");
    Files.write(file, ("\uFEFF" + Samples.GREEK + Samples.EMOJI).getBytes(StandardCharsets.UTF_8));
    assertEquals(Samples.GREEK + Samples.EMOJI, TextCorpus.readUtf8(file));
  }

  @Test
  void readUtf8OfLatin1NamesFileAndByteOffsetInOneLine() throws Exception {
    Path file = dir.resolve("latin1.txt");
    Files.write(file, "café au lait".getBytes(StandardCharsets.ISO_8859_1));
    String msg = assertThrows(org.anisoscope.files.BadInputException.class, () -> TextCorpus.readUtf8(file)).getMessage();
    assertOneLineNaming(file, msg);
    assertTrue(msg.contains("byte offset 3") && msg.contains("expected UTF-8 text"), msg);
  }

  @Test
  void readUtf8OfTruncatedSequenceAtTheEndNamesItsOffset() throws Exception {
    Path file = dir.resolve("cut.txt");
    byte[] bytes = "ab😀".getBytes(StandardCharsets.UTF_8);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 1));
    String msg = assertThrows(org.anisoscope.files.BadInputException.class, () -> TextCorpus.readUtf8(file)).getMessage();
    assertTrue(msg.contains("byte offset 2"), msg);
  }

  @Test
  void readUtf8OfEmptyFileFailsInOneLine() throws Exception {
    Path file = dir.resolve("empty.txt");
    Files.write(file, new byte[0]);
    String msg = assertThrows(org.anisoscope.files.BadInputException.class, () -> TextCorpus.readUtf8(file)).getMessage();
    assertOneLineNaming(file, msg);
    assertTrue(msg.contains("empty"), msg);
  }

  @Test
  void readUtf8OfMissingFileFailsInOneLine() {
    Path file = dir.resolve("missing.txt");
    String msg = assertThrows(org.anisoscope.files.BadInputException.class, () -> TextCorpus.readUtf8(file)).getMessage();
    assertOneLineNaming(file, msg);
    assertTrue(msg.contains("no such file"), msg);
  }

  private static void assertOneLineNaming(Path file, String msg) {
    assertTrue(msg.contains(file.toString()), msg);
    assertFalse(msg.contains("\n") || msg.contains("\r"), msg);
  }
}
