package org.anisoscope.text;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

import org.anisoscope.data.Tokenizer;

/**
 * Byte-level BPE (GPT-2 style) trained in Java by {@link BpeTrainer}.
 *
 * <p>Ids: 0–255 are the bytes, 256–259 the specials of {@link ByteTokenizer} ({@code <pad> <bos> <eos>
 * <mask>}), and merge {@code k} is id {@code 260 + k}, so a smaller id is an earlier (higher-priority) merge.
 * Any string of valid Unicode round-trips exactly ({@code decode(encode(s)).equals(s)}): unseen text falls back
 * to single bytes. Decoding an arbitrary id sequence never throws: invalid UTF-8 becomes U+FFFD, specials are
 * dropped. Encoding applies merges by rank inside each pre-tokenized piece ({@link PreTokenizer}), the same
 * segmentation training produced; pieces are cached.
 */
public final class BpeTokenizer implements Tokenizer, SpecialIds {
  public static final String NAME = "bpe";
  public static final int FIRST_MERGE_ID = ByteTokenizer.VOCAB_SIZE;
  /** Callers' default vocabulary size. */
  public static final int DEFAULT_VOCAB_SIZE = 4096;
  /** A pair seen once is not worth a token; training stops before such merges. */
  static final int MIN_PAIR_COUNT = 2;
  private static final int CACHE_LIMIT = 200_000;

  private final int[][] merges;
  /** pair key → merged id; the id doubles as the rank. */
  private final Map<Long, Integer> mergeIds = new HashMap<>();
  private final byte[][] tokenBytes;
  private final Map<String, int[]> cache = new ConcurrentHashMap<>();

  private BpeTokenizer(int[][] merges) {
    this.merges = merges;
    tokenBytes = new byte[FIRST_MERGE_ID + merges.length][];
    for (int b = 0; b < 256; b++) {
      tokenBytes[b] = new byte[] {(byte) b};
    }
    for (int id = 256; id < FIRST_MERGE_ID; id++) {
      tokenBytes[id] = new byte[0];
    }
    for (int k = 0; k < merges.length; k++) {
      int id = FIRST_MERGE_ID + k;
      byte[] l = tokenBytes[merges[k][0]];
      byte[] r = tokenBytes[merges[k][1]];
      byte[] t = Arrays.copyOf(l, l.length + r.length);
      System.arraycopy(r, 0, t, l.length, r.length);
      tokenBytes[id] = t;
      mergeIds.put(BpeTrainer.key(merges[k][0], merges[k][1]), id);
    }
  }

  /**
   * Learns {@code vocabSize - 260} merges from {@code text}. The result has at most {@code vocabSize} ids;
   * fewer when the text runs out of pairs seen at least twice.
   */
  public static BpeTokenizer train(String text, int vocabSize) {
    checkArgument(vocabSize >= FIRST_MERGE_ID, "BPE vocabSize must be >= %s (bytes + specials), got %s",
        FIRST_MERGE_ID, vocabSize);
    return new BpeTokenizer(BpeTrainer.train(text, vocabSize - FIRST_MERGE_ID, FIRST_MERGE_ID, MIN_PAIR_COUNT));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int vocabSize() {
    return tokenBytes.length;
  }

  /** The learned merges, {@code [k] = {left id, right id}} creating id {@code 260 + k}; a copy. */
  public int[][] merges() {
    int[][] copy = new int[merges.length][];
    for (int k = 0; k < merges.length; k++) {
      copy[k] = merges[k].clone();
    }
    return copy;
  }

  /** The bytes {@code id} stands for (empty for a special); a copy. */
  public byte[] tokenBytes(int id) {
    checkId(id);
    return tokenBytes[id].clone();
  }

  @Override
  public int[] encode(String text) {
    IntArrayBuilder out = new IntArrayBuilder(text.length() / 3);
    PreTokenizer.forEach(text, piece -> out.addAll(encodeCached(piece)));
    return out.toArray();
  }

  private int[] encodeCached(String piece) {
    int[] ids = cache.get(piece);
    if (ids == null) {
      ids = encodePiece(piece);
      if (cache.size() >= CACHE_LIMIT) {
        cache.clear(); // bounded memory on huge texts; the cache is only a speed-up
      }
      cache.put(piece, ids);
    }
    return ids;
  }

  /** Applies the lowest-ranked applicable merge, all its occurrences left to right, until none applies. */
  private int[] encodePiece(String piece) {
    byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
    int[] s = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      s[i] = bytes[i] & 0xFF;
    }
    int n = s.length;
    while (n > 1) {
      int bestId = Integer.MAX_VALUE;
      for (int i = 0; i + 1 < n; i++) {
        Integer id = mergeIds.get(BpeTrainer.key(s[i], s[i + 1]));
        if (id != null && id < bestId) {
          bestId = id;
        }
      }
      if (bestId == Integer.MAX_VALUE) {
        break;
      }
      int a = merges[bestId - FIRST_MERGE_ID][0];
      int b = merges[bestId - FIRST_MERGE_ID][1];
      int m = 0;
      for (int i = 0; i < n; ) {
        if (i + 1 < n && s[i] == a && s[i + 1] == b) {
          s[m++] = bestId;
          i += 2;
        } else {
          s[m++] = s[i++];
        }
      }
      n = m;
    }
    return Arrays.copyOf(s, n);
  }

  /** The concatenated bytes of {@code ids} (specials contribute none). */
  public byte[] decodeBytes(int[] ids) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
    for (int id : ids) {
      checkId(id);
      out.writeBytes(tokenBytes[id]);
    }
    return out.toByteArray();
  }

  @Override
  public String decode(int[] ids) {
    return new String(decodeBytes(ids), StandardCharsets.UTF_8);
  }

  @Override
  public OptionalInt maskId() {
    return OptionalInt.of(ByteTokenizer.MASK_ID);
  }

  @Override
  public OptionalInt padId() {
    return OptionalInt.of(ByteTokenizer.PAD_ID);
  }

  @Override
  public OptionalInt bosId() {
    return OptionalInt.of(ByteTokenizer.BOS_ID);
  }

  @Override
  public OptionalInt eosId() {
    return OptionalInt.of(ByteTokenizer.EOS_ID);
  }

  /**
   * JSON: {@code {"tokenizer":"bpe","format":1,"pre_tokenizer":"<regex>","specials":{...},
   * "merges":[[left,right],...]}}; merge {@code k} creates id {@code 260 + k}.
   */
  @Override
  public void save(Path file) throws IOException {
    StringBuilder b = new StringBuilder("{\"tokenizer\":\"bpe\",\"format\":1,\"pre_tokenizer\":");
    Json.quote(b, PreTokenizer.PATTERN).append(",\n");
    ByteTokenizer.specialsJson(b).append(",\n\"merges\":[");
    for (int k = 0; k < merges.length; k++) {
      b.append(k == 0 ? "\n" : ",\n").append('[').append(merges[k][0]).append(',').append(merges[k][1]).append(']');
    }
    Json.writeAtomically(file, b.append("\n]}\n").toString());
  }

  /** Reads a file written by {@link #save}; a malformed file fails with one line naming it. */
  public static BpeTokenizer load(Path file) throws IOException {
    Map<String, Object> obj = Json.readTokenizerFile(file, NAME);
    Json.check(PreTokenizer.PATTERN.equals(obj.get("pre_tokenizer")),
        "%s: written with another pre-tokenizer pattern; ids would differ", file);
    ByteTokenizer.checkSpecials(obj, file);
    List<?> raw = Json.list(obj, "merges", file);
    List<int[]> merges = new ArrayList<>(raw.size());
    for (int k = 0; k < raw.size(); k++) {
      int id = FIRST_MERGE_ID + k;
      Object e = raw.get(k);
      boolean ok = e instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Long a && l.get(1) instanceof Long b
          && isMergeable(a, id) && isMergeable(b, id);
      Json.check(ok, "%s: merge %s is %s; expected [left, right] of earlier non-special ids", file, k, e);
      List<?> l = (List<?>) e;
      merges.add(new int[] {((Long) l.get(0)).intValue(), ((Long) l.get(1)).intValue()});
    }
    return new BpeTokenizer(merges.toArray(new int[0][]));
  }

  private static boolean isMergeable(long part, int id) {
    return part >= 0 && part < id && (part < 256 || part >= FIRST_MERGE_ID);
  }

  private void checkId(int id) {
    checkArgument(id >= 0 && id < vocabSize(), "id %s outside [0, %s) of the BPE tokenizer", id, vocabSize());
  }

  @Override
  public String toString() {
    return "BpeTokenizer[vocabSize=" + vocabSize() + "]";
  }
}
