package org.anisoscope.text;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.Set;

import org.anisoscope.data.Tokenizer;
import org.anisoscope.util.Registry;

/**
 * Builds a tokenizer by its registry name ({@code char}, {@code byte}, {@code bpe}, {@code word}) from config
 * values; an unknown name fails listing the known ones.
 *
 * <p>What {@code vocabSize} means per kind: {@code bpe} — the total vocabulary (bytes + specials + merges), at
 * least 260; {@code word} — the total vocabulary, so {@code vocabSize - 2} words besides {@code <unk>} and
 * {@code <mask>}; {@code char} and {@code byte} — ignored, their vocabulary is fixed by the training text / by
 * UTF-8.
 */
public final class Tokenizers {
  /** How to make one kind: fit on text, or load a file written by its {@code save}. */
  public interface Kind {
    Tokenizer fit(String trainText, int vocabSize);

    Tokenizer load(Path file) throws IOException;
  }

  private static final Registry<Kind> KINDS = new Registry<Kind>("tokenizer")
      .register(CharTokenizer.NAME, () -> kind((text, n) -> CharTokenizer.fit(text), CharTokenizer::load))
      .register(ByteTokenizer.NAME, () -> kind((text, n) -> new ByteTokenizer(), ByteTokenizer::load))
      .register(BpeTokenizer.NAME, () -> kind(BpeTokenizer::train, BpeTokenizer::load))
      .register(WordTokenizer.NAME, () -> kind(Tokenizers::fitWord, WordTokenizer::load));

  private Tokenizers() {}

  private interface Fitter {
    Tokenizer fit(String text, int vocabSize);
  }

  private interface Loader {
    Tokenizer load(Path file) throws IOException;
  }

  private static Kind kind(Fitter fitter, Loader loader) {
    return new Kind() {
      @Override
      public Tokenizer fit(String trainText, int vocabSize) {
        return fitter.fit(trainText, vocabSize);
      }

      @Override
      public Tokenizer load(Path file) throws IOException {
        return loader.load(file);
      }
    };
  }

  private static Tokenizer fitWord(String text, int vocabSize) {
    checkArgument(vocabSize > WordTokenizer.FIRST_WORD_ID, "word vocabSize must be > %s (the specials), got %s",
        WordTokenizer.FIRST_WORD_ID, vocabSize);
    return WordTokenizer.fit(text, vocabSize - WordTokenizer.FIRST_WORD_ID);
  }

  /** The registered names, sorted. */
  public static Set<String> names() {
    return KINDS.names();
  }

  /** The {@link Kind} registered as {@code name}. */
  public static Kind kind(String name) {
    return KINDS.create(name);
  }

  /** Fits tokenizer {@code name} on {@code trainText}; see the class comment for {@code vocabSize}. */
  public static Tokenizer fit(String name, String trainText, int vocabSize) {
    return kind(name).fit(trainText, vocabSize);
  }

  /** Loads a tokenizer {@code name} saved in {@code file}; the file must say it is that kind. */
  public static Tokenizer load(String name, Path file) throws IOException {
    return kind(name).load(file);
  }

  /** Loads a saved tokenizer of whatever kind its {@code "tokenizer"} field names. */
  public static Tokenizer load(Path file) throws IOException {
    Object name = Json.readObject(file).get("tokenizer");
    Json.check(name instanceof String s && names().contains(s), "%s: field \"tokenizer\" is %s, expected one of %s",
        file, name == null ? "missing" : name, names());
    return load((String) name, file);
  }

  /** The mask id of {@code tokenizer}, if it has one (all four kinds here do). */
  public static OptionalInt maskId(Tokenizer tokenizer) {
    return tokenizer instanceof SpecialIds s ? s.maskId() : OptionalInt.empty();
  }
}
