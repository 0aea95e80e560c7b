package org.anisoscope.text;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

import org.anisoscope.data.Tokenizer;

/**
 * Character-level tokenizer (nanoGPT's shakespeare_char) over Unicode <em>code points</em>, so an emoji or any
 * other non-BMP character is one token, not two UTF-16 halves.
 *
 * <p>Ids: {@value #UNK_ID} is {@code <unk>} (any code point not seen in training; decodes to U+FFFD),
 * {@value #MASK_ID} is {@code <mask>} (for a masked LM; never produced by {@link #encode}, decodes to U+FFFD),
 * and the training text's distinct code points follow from {@value #FIRST_CHAR_ID} in ascending code point
 * order, so the same text always gives the same ids.
 */
public final class CharTokenizer implements Tokenizer, SpecialIds {
  public static final String NAME = "char";
  public static final int UNK_ID = 0;
  public static final int MASK_ID = 1;
  public static final int FIRST_CHAR_ID = 2;
  private static final List<String> SPECIALS = List.of("<unk>", "<mask>");

  /** id - FIRST_CHAR_ID → code point, ascending. */
  private final int[] codePoints;
  /** BMP code point → id, 0 (= UNK_ID) where unseen; covers up to the largest BMP code point seen. */
  private final int[] bmpIds;
  /** Non-BMP code point → id: rare, so a map is fine. */
  private final Map<Integer, Integer> otherIds = new HashMap<>();

  private CharTokenizer(int[] sortedDistinctCodePoints) {
    this.codePoints = sortedDistinctCodePoints;
    int maxBmp = -1;
    for (int cp : codePoints) {
      if (cp <= Character.MAX_VALUE) {
        maxBmp = cp;
      }
    }
    this.bmpIds = new int[maxBmp + 1];
    for (int i = 0; i < codePoints.length; i++) {
      int cp = codePoints[i];
      if (cp <= Character.MAX_VALUE) {
        bmpIds[cp] = i + FIRST_CHAR_ID;
      } else {
        otherIds.put(cp, i + FIRST_CHAR_ID);
      }
    }
  }

  /** The vocabulary of {@code trainText}: its distinct code points, sorted. */
  public static CharTokenizer fit(String trainText) {
    checkArgument(!trainText.isEmpty(), "cannot fit a char tokenizer on empty text");
    return new CharTokenizer(trainText.codePoints().sorted().distinct().toArray());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int vocabSize() {
    return FIRST_CHAR_ID + codePoints.length;
  }

  /** The code point of {@code id}, or -1 for a special id. */
  public int codePointOf(int id) {
    checkId(id);
    return id < FIRST_CHAR_ID ? -1 : codePoints[id - FIRST_CHAR_ID];
  }

  @Override
  public int[] encode(String text) {
    int[] out = new int[text.length()]; // code points ≤ chars
    int n = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (cp < bmpIds.length) {
        out[n++] = bmpIds[cp];
      } else {
        out[n++] = otherIds.getOrDefault(cp, UNK_ID);
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  @Override
  public String decode(int[] ids) {
    StringBuilder b = new StringBuilder(ids.length);
    for (int id : ids) {
      checkId(id);
      b.appendCodePoint(id < FIRST_CHAR_ID ? 0xFFFD : codePoints[id - FIRST_CHAR_ID]);
    }
    return b.toString();
  }

  @Override
  public OptionalInt maskId() {
    return OptionalInt.of(MASK_ID);
  }

  @Override
  public OptionalInt unkId() {
    return OptionalInt.of(UNK_ID);
  }

  /** JSON: {@code {"tokenizer":"char","format":1,"vocab":["<unk>","<mask>","\n"," ",...]}}, index = id. */
  @Override
  public void save(Path file) throws IOException {
    StringBuilder b = new StringBuilder("{\"tokenizer\":\"char\",\"format\":1,\"vocab\":[");
    for (int id = 0; id < vocabSize(); id++) {
      if (id > 0) {
        b.append(',');
      }
      Json.quote(b, id < FIRST_CHAR_ID ? SPECIALS.get(id) : new String(Character.toChars(codePoints[id - FIRST_CHAR_ID])));
    }
    Json.writeAtomically(file, b.append("]}\n").toString());
  }

  /** Reads a file written by {@link #save}; a malformed file fails with one line naming it. */
  public static CharTokenizer load(Path file) throws IOException {
    List<?> vocab = Json.list(Json.readTokenizerFile(file, NAME), "vocab", file);
    Json.check(vocab.size() > FIRST_CHAR_ID && vocab.subList(0, FIRST_CHAR_ID).equals(SPECIALS),
        "%s: \"vocab\" must start with %s and hold at least one character", file, SPECIALS);
    int[] cps = new int[vocab.size() - FIRST_CHAR_ID];
    for (int i = 0; i < cps.length; i++) {
      Object entry = vocab.get(i + FIRST_CHAR_ID);
      Json.check(entry instanceof String s && s.codePointCount(0, s.length()) == 1,
          "%s: vocab entry %s (id %s) must be one code point", file, entry, i + FIRST_CHAR_ID);
      cps[i] = ((String) entry).codePointAt(0);
      if (i > 0 && cps[i] <= cps[i - 1]) {
        throw new org.anisoscope.files.BadInputException(String.format(Locale.ROOT,
            "%s: vocab must be in ascending code point order, U+%04X follows U+%04X", file, cps[i], cps[i - 1]));
      }
    }
    return new CharTokenizer(cps);
  }

  private void checkId(int id) {
    checkArgument(id >= 0 && id < vocabSize(), "id %s outside [0, %s) of the char tokenizer", id, vocabSize());
  }

  @Override
  public String toString() {
    return "CharTokenizer[vocabSize=" + vocabSize() + "]";
  }
}
