package org.anisoscope.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Text ↔ token ids. Implementations live in the modalities module (character, byte, BPE, word); the training
 * loop only needs the vocabulary size, and the sampler needs {@link #decode}.
 */
public interface Tokenizer {
  /** Registry-style name, e.g. {@code char}, {@code byte}, {@code bpe}, {@code word}. */
  String name();

  /** Number of distinct ids; every id is in {@code [0, vocabSize)}. */
  int vocabSize();

  int[] encode(String text);

  String decode(int[] ids);

  /** Writes the vocabulary (and merges etc.) to {@code file} so a run can be decoded and repeated later. */
  void save(Path file) throws IOException;
}
