package org.anisoscope.text;

import java.util.OptionalInt;

/**
 * The reserved ids a tokenizer of this package may have. Kept out of the core {@code Tokenizer} interface on
 * purpose: only some objectives need them (a masked LM needs {@link #maskId()}), and only some tokenizers
 * have each one. {@link Tokenizers#maskId} asks any tokenizer. {@code encode} never emits a special id:
 * special ids are placed by the caller (e.g. the masking step), and {@code decode} renders them as documented
 * on each class.
 */
public interface SpecialIds {
  /** The id a masked-LM objective writes over hidden positions. */
  OptionalInt maskId();

  /** The id of text the vocabulary cannot spell (absent where every text is spellable: byte, BPE). */
  default OptionalInt unkId() {
    return OptionalInt.empty();
  }

  /** Padding for batches of unequal length. */
  default OptionalInt padId() {
    return OptionalInt.empty();
  }

  /** Begin-of-sequence marker. */
  default OptionalInt bosId() {
    return OptionalInt.empty();
  }

  /** End-of-sequence marker. */
  default OptionalInt eosId() {
    return OptionalInt.empty();
  }
}
