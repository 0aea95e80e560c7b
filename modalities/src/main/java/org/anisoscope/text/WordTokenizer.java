package org.anisoscope.text;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.anisoscope.data.Tokenizer;

/**
 * Word-level tokenizer: the {@code topK} most frequent words and punctuation marks of the training text, the
 * long-tailed token distribution that Gao et al. (2019) blame for anisotropy.
 *
 * <p>A word is a run of letters, marks and digits, with inner apostrophes ({@code don't}, {@code l'Europe});
 * every other non-space code point is a token of its own. Text is lower-cased ({@link Locale#ROOT}) by default.
 * Ids: {@value #UNK_ID} {@code <unk>} (every word outside the top K), {@value #MASK_ID} {@code <mask>}, then
 * the words by descending count, ties by {@link String#compareTo} (deterministic). {@link #decode} joins tokens
 * with single spaces and writes the specials as {@code <unk>}/{@code <mask>}: lossy (spacing, case and unknown
 * words are lost), for reading samples only.
 */
public final class WordTokenizer implements Tokenizer, SpecialIds {
  public static final String NAME = "word";
  public static final int UNK_ID = 0;
  public static final int MASK_ID = 1;
  public static final int FIRST_WORD_ID = 2;
  private static final List<String> SPECIALS = List.of("<unk>", "<mask>");
  private static final Pattern TOKEN = Pattern.compile(
      "[\\p{L}\\p{M}\\p{N}]+(?:['’][\\p{L}\\p{M}\\p{N}]+)*|[^\\s\\p{L}\\p{M}\\p{N}]",
      Pattern.UNICODE_CHARACTER_CLASS);

  private final List<String> vocab; // id → token, specials first
  private final Map<String, Integer> ids = new HashMap<>();
  private final boolean lowercase;

  private WordTokenizer(List<String> vocab, boolean lowercase) {
    this.vocab = List.copyOf(vocab);
    this.lowercase = lowercase;
    for (int id = FIRST_WORD_ID; id < vocab.size(); id++) {
      ids.put(vocab.get(id), id);
    }
  }

  /** {@link #fit(String, int, boolean)} with lower-casing on. */
  public static WordTokenizer fit(String text, int topK) {
    return fit(text, topK, true);
  }

  /** The {@code topK} most frequent tokens of {@code text} (fewer if it has fewer distinct ones). */
  public static WordTokenizer fit(String text, int topK, boolean lowercase) {
    checkArgument(topK >= 1, "topK must be >= 1, got %s", topK);
    Map<String, Integer> counts = new HashMap<>();
    for (String t : split(text, lowercase)) {
      counts.merge(t, 1, Integer::sum);
    }
    List<String> words = new ArrayList<>(counts.keySet());
    words.sort(Comparator.comparing((String w) -> -counts.get(w)).thenComparing(Comparator.naturalOrder()));
    List<String> vocab = new ArrayList<>(SPECIALS);
    vocab.addAll(words.subList(0, Math.min(topK, words.size())));
    return new WordTokenizer(vocab, lowercase);
  }

  /** The word and punctuation tokens of {@code text}, lower-cased if asked. */
  static List<String> split(String text, boolean lowercase) {
    Matcher m = TOKEN.matcher(lowercase ? text.toLowerCase(Locale.ROOT) : text);
    List<String> tokens = new ArrayList<>();
    while (m.find()) {
      tokens.add(m.group());
    }
    return tokens;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int vocabSize() {
    return vocab.size();
  }

  public boolean lowercase() {
    return lowercase;
  }

  /** The token of {@code id} ({@code <unk>}, {@code <mask>} for the specials). */
  public String token(int id) {
    checkArgument(id >= 0 && id < vocab.size(), "id %s outside [0, %s) of the word tokenizer", id, vocab.size());
    return vocab.get(id);
  }

  @Override
  public int[] encode(String text) {
    return split(text, lowercase).stream().mapToInt(t -> ids.getOrDefault(t, UNK_ID)).toArray();
  }

  @Override
  public String decode(int[] ids) {
    StringBuilder b = new StringBuilder();
    for (int id : ids) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(token(id));
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

  /** JSON: {@code {"tokenizer":"word","format":1,"lowercase":true,"vocab":["<unk>","<mask>","the",...]}}. */
  @Override
  public void save(Path file) throws IOException {
    StringBuilder b = new StringBuilder("{\"tokenizer\":\"word\",\"format\":1,\"lowercase\":")
        .append(lowercase).append(",\"vocab\":[");
    for (int id = 0; id < vocab.size(); id++) {
      Json.quote(b.append(id == 0 ? "\n" : ",\n"), vocab.get(id));
    }
    Json.writeAtomically(file, b.append("\n]}\n").toString());
  }

  /** Reads a file written by {@link #save}; a malformed file fails with one line naming it. */
  public static WordTokenizer load(Path file) throws IOException {
    Map<String, Object> obj = Json.readTokenizerFile(file, NAME);
    boolean lowercase = Json.bool(obj, "lowercase", file);
    List<?> raw = Json.list(obj, "vocab", file);
    Json.check(raw.size() >= FIRST_WORD_ID && raw.subList(0, FIRST_WORD_ID).equals(SPECIALS),
        "%s: \"vocab\" must start with %s", file, SPECIALS);
    List<String> vocab = new ArrayList<>(raw.size());
    Set<Object> seen = new HashSet<>();
    for (Object o : raw) {
      Json.check(o instanceof String s && !s.isEmpty(), "%s: vocab entry %s is not a non-empty string", file, o);
      Json.check(seen.add(o), "%s: vocab entry %s repeats", file, o);
      vocab.add((String) o);
    }
    return new WordTokenizer(vocab, lowercase);
  }

  @Override
  public String toString() {
    return "WordTokenizer[vocabSize=" + vocab.size() + ", lowercase=" + lowercase + "]";
  }
}
