package org.anisoscope.text;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.anisoscope.data.Tokenizer;

/**
 * Byte-level tokenizer: the UTF-8 bytes of the text, id = byte value (0–255), then four special ids shared
 * with {@link BpeTokenizer}: {@value #PAD_ID} {@code <pad>}, {@value #BOS_ID} {@code <bos>}, {@value #EOS_ID}
 * {@code <eos>}, {@value #MASK_ID} {@code <mask>}; vocabulary size {@value #VOCAB_SIZE}.
 *
 * <p>{@link #encodeBytes}/{@link #decodeBytes} round-trip any bytes exactly, invalid UTF-8 included.
 * {@link #decode} never throws on a byte sequence: invalid UTF-8 becomes U+FFFD (the JDK's decoder, one
 * U+FFFD per maximal invalid subpart). Special ids carry no text and are dropped by both decoders. A Java
 * string with an unpaired surrogate has no UTF-8 form; {@link #encode} writes it as {@code ?}, as
 * {@link String#getBytes} does.
 */
public final class ByteTokenizer implements Tokenizer, SpecialIds {
  public static final String NAME = "byte";
  public static final int PAD_ID = 256;
  public static final int BOS_ID = 257;
  public static final int EOS_ID = 258;
  public static final int MASK_ID = 259;
  public static final int VOCAB_SIZE = 260;
  /** Name → id of the specials, in id order; the same in the BPE vocabulary. */
  static final Map<String, Integer> SPECIALS = specials();

  private static Map<String, Integer> specials() {
    Map<String, Integer> m = new LinkedHashMap<>();
    List<String> names = List.of("<pad>", "<bos>", "<eos>", "<mask>");
    for (int i = 0; i < names.size(); i++) {
      m.put(names.get(i), PAD_ID + i);
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int vocabSize() {
    return VOCAB_SIZE;
  }

  @Override
  public int[] encode(String text) {
    return encodeBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  /** One id per byte, id = unsigned byte value. */
  public int[] encodeBytes(byte[] bytes) {
    int[] ids = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ids[i] = bytes[i] & 0xFF;
    }
    return ids;
  }

  /** The bytes of the non-special ids, in order; exact inverse of {@link #encodeBytes}. */
  public byte[] decodeBytes(int[] ids) {
    byte[] out = new byte[ids.length];
    int n = 0;
    for (int id : ids) {
      checkArgument(id >= 0 && id < VOCAB_SIZE, "id %s outside [0, %s) of the byte tokenizer", id, VOCAB_SIZE);
      if (id < PAD_ID) {
        out[n++] = (byte) id;
      }
    }
    return n == out.length ? out : java.util.Arrays.copyOf(out, n);
  }

  @Override
  public String decode(int[] ids) {
    return new String(decodeBytes(ids), StandardCharsets.UTF_8);
  }

  @Override
  public OptionalInt maskId() {
    return OptionalInt.of(MASK_ID);
  }

  @Override
  public OptionalInt padId() {
    return OptionalInt.of(PAD_ID);
  }

  @Override
  public OptionalInt bosId() {
    return OptionalInt.of(BOS_ID);
  }

  @Override
  public OptionalInt eosId() {
    return OptionalInt.of(EOS_ID);
  }

  /** Nothing is learned; the file records the id layout so a run directory is self-describing. */
  @Override
  public void save(Path file) throws IOException {
    StringBuilder b = new StringBuilder("{\"tokenizer\":\"byte\",\"format\":1,");
    Json.writeAtomically(file, specialsJson(b).append("}\n").toString());
  }

  public static ByteTokenizer load(Path file) throws IOException {
    checkSpecials(Json.readTokenizerFile(file, NAME), file);
    return new ByteTokenizer();
  }

  /** Appends {@code "specials":{"<pad>":256,...}}. */
  static StringBuilder specialsJson(StringBuilder b) {
    b.append("\"specials\":{");
    String sep = "";
    for (Map.Entry<String, Integer> e : SPECIALS.entrySet()) {
      Json.quote(b.append(sep), e.getKey()).append(':').append(e.getValue());
      sep = ",";
    }
    return b.append('}');
  }

  /** A file from a future layout must not be read with silently different ids. */
  static void checkSpecials(Map<String, Object> obj, Path file) {
    Map<String, Long> expected = new LinkedHashMap<>();
    SPECIALS.forEach((k, v) -> expected.put(k, (long) v));
    Json.check(expected.equals(obj.get("specials")), "%s: \"specials\" is %s, expected %s", file,
        obj.get("specials"), expected);
  }

  @Override
  public String toString() {
    return "ByteTokenizer[vocabSize=" + VOCAB_SIZE + "]";
  }
}
