package org.anisoscope.text;

import org.anisoscope.config.Keys;
import org.anisoscope.config.Settings;
import org.anisoscope.config.SettingsException;
import org.anisoscope.data.BatchSource;
import org.anisoscope.data.Masking;
import org.anisoscope.data.Tokenizer;
import org.anisoscope.objective.Contrastive;
import org.anisoscope.objective.MaskedLm;
import org.anisoscope.objective.ObjectiveBatches;
import org.anisoscope.data.TokenWindows;
import org.anisoscope.objective.ObjectiveFactory;
import org.anisoscope.objective.Objectives;
import org.anisoscope.probe.TokenGroups;
import org.anisoscope.train.ModalityData;
import org.anisoscope.train.Network;

import com.google.common.hash.Hashing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code data.modality = text}: reads {@code anisoscope.data.text.*}, loads the corpus (a local UTF-8 file, or
 * Europarl from the Maven-resolved jar), splits it (first part train, last {@code val-fraction} validation),
 * fits the tokenizer on the training split only, and encodes both splits.
 */
public final class TextData implements ModalityData {
  private final Tokenizer tokenizer;
  private final int[] train;
  private final int[] val;
  private final Map<String, Object> provenance;
  private final Path sourceFile;
  private final String corpusSha256;

  private TextData(Tokenizer tokenizer, int[] train, int[] val, Map<String, Object> provenance, Path sourceFile,
      String corpusSha256) {
    this.tokenizer = tokenizer;
    this.train = train;
    this.val = val;
    this.provenance = provenance;
    this.sourceFile = sourceFile;
    this.corpusSha256 = corpusSha256;
  }

  /** Validates every {@code data.text} key without reading any data (fail fast, before a run directory exists). */
  public static void validate(Settings s) {
    Keys k = s.keys();
    String tokenizer = k.oneOf("anisoscope.data.text.tokenizer", Tokenizers.names());
    k.oneOf("anisoscope.data.text.source", Set.of("europarl"));
    // The smallest vocabulary each kind can fit (the bytes and specials of bpe, the specials and one word of word).
    int minVocab = switch (tokenizer) {
      case BpeTokenizer.NAME -> BpeTokenizer.FIRST_MERGE_ID;
      case WordTokenizer.NAME -> WordTokenizer.FIRST_WORD_ID + 1;
      default -> 8;
    };
    k.intIn("anisoscope.data.text.vocab-size", minVocab, 1 << 20);
    k.doubleIn("anisoscope.data.text.val-fraction", 1e-4, 0.9);
    languages(k);
    String path = k.string("anisoscope.data.text.path");
    if (!path.isEmpty() && !Files.isRegularFile(Path.of(path))) {
      throw k.invalid("anisoscope.data.text.path", "an existing UTF-8 text file (not found: " + path + ")");
    }
  }

  private static Set<String> languages(Keys k) {
    List<String> langs = k.stringList("anisoscope.data.text.languages");
    Set<String> known = new LinkedHashSet<>(LanguageId.languages());
    known.add(TextCorpus.ALL);
    for (String l : langs) {
      if (!known.contains(l)) {
        throw k.invalid("anisoscope.data.text.languages", "codes among " + known);
      }
    }
    if (langs.isEmpty()) {
      throw k.invalid("anisoscope.data.text.languages", "at least one language code");
    }
    return new LinkedHashSet<>(langs);
  }

  /** Loads the corpus and fits the tokenizer on its training split (a new run). */
  public static TextData load(Settings s) {
    return load(s, null);
  }

  /**
   * Loads the corpus and encodes it with {@code saved} (a resumed run's own {@code tokenizer.json}: never refitted,
   * so a changed corpus cannot change the vocabulary under a checkpoint), or fits one when {@code saved} is null.
   */
  public static TextData load(Settings s, Tokenizer saved) {
    validate(s);
    Keys k = s.keys();
    String path = k.string("anisoscope.data.text.path");
    Map<String, Object> prov = new LinkedHashMap<>();
    String text;
    Path file = null;
    String sha;
    if (!path.isEmpty()) {
      file = Path.of(path);
      text = TextCorpus.readUtf8(file);
      sha = sha256(file);
    } else {
      Set<String> langs = languages(k);
      text = TextCorpus.europarl(langs);
      prov.put("role", "corpus");
      prov.put("source", "classpath:" + TextCorpus.EUROPARL_RESOURCE);
      prov.put("jar", europarlJar());
      prov.put("languages", List.copyOf(langs));
      prov.put("chars", text.length());
      sha = Hashing.sha256().hashString(text, StandardCharsets.UTF_8).toString(); // of the selected text
      prov.put("sha256", sha);
    }
    TextSplit split = TextSplit.of(text, 1.0 - k.config().getDouble("anisoscope.data.text.val-fraction"));
    Tokenizer tok = saved != null ? saved : Tokenizers.fit(k.string("anisoscope.data.text.tokenizer"),
        split.train(), k.config().getInt("anisoscope.data.text.vocab-size"));
    int[] train = tok.encode(split.train());
    int[] val = tok.encode(split.val());
    int ctx = s.model().context();
    if (val.length <= ctx + 1 || train.length <= ctx + 1) {
      throw new SettingsException((file != null ? file.toString() : "europarl") + ": the text gives " + train.length
          + " training and " + val.length + " validation tokens; model.context = " + ctx + " needs more than "
          + (ctx + 1) + " in each (use a longer text, a larger data.text.val-fraction or a shorter context)");
    }
    prov.put("train_tokens", train.length);
    prov.put("unigram_entropy_nats", unigramEntropy(train, tok.vocabSize()));
    prov.put("val_tokens", val.length);
    prov.put("tokenizer", tok.name());
    prov.put("vocab_size", tok.vocabSize());
    return new TextData(tok, train, val, prov, file, sha);
  }

  private static String sha256(Path file) {
    try {
      return org.anisoscope.run.Provenance.sha256(file);
    } catch (IOException e) {
      throw new org.anisoscope.files.BadInputException(file + ": cannot read (" + e + ")", e);
    }
  }

  /**
   * Entropy of the training split's token distribution, {@code −Σ p ln p} in nats: the loss of the best model that
   * ignores context, the bar an LM's loss must go below to have learnt anything from context.
   */
  static double unigramEntropy(int[] tokens, int vocab) {
    long[] counts = new long[vocab];
    for (int t : tokens) {
      counts[t]++;
    }
    double h = 0;
    for (long c : counts) {
      if (c > 0) {
        double p = (double) c / tokens.length;
        h -= p * Math.log(p);
      }
    }
    return h;
  }

  private static String europarlJar() {
    URL url = TextData.class.getClassLoader().getResource(TextCorpus.EUROPARL_RESOURCE);
    if (url == null) {
      return "missing";
    }
    String u = url.toString();
    int bang = u.indexOf("!/");
    String jar = bang > 0 ? u.substring(0, bang).replaceFirst("^jar:", "") : u;
    try {
      return Path.of(new java.net.URI(jar)).toString();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return jar;
    }
  }

  public TokenWindows windows(Settings s) {
    return new TokenWindows(train, val, s.model().context(), s.train().batchSize(), s.train().evalBatches(),
        s.run().seed());
  }

  /**
   * The batches the configured objective trains on: next-token windows, masked for {@code masked-lm}, paired
   * views for {@code contrastive}.
   */
  @Override
  public BatchSource batches(Settings s) {
    TokenWindows windows = windows(s);
    return switch (s.objective()) {
      case MaskedLm.NAME -> ObjectiveBatches.masked(windows, masking(s.maskProbability()), s.run().seed());
      case Contrastive.NAME -> ObjectiveBatches.paired(windows);
      default -> windows;
    };
  }

  /** BERT masking with this tokenizer's mask id; its other special ids are never chosen nor drawn. */
  Masking masking(double probability) {
    SpecialIds ids = (SpecialIds) tokenizer;
    int mask = ids.maskId().orElseThrow(() -> new SettingsException("tokenizer " + tokenizer.name()
        + " has no mask id; masked-lm needs one"));
    Set<Integer> specials = new java.util.HashSet<>();
    for (java.util.OptionalInt o : List.of(ids.unkId(), ids.padId(), ids.bosId(), ids.eosId())) {
      o.ifPresent(specials::add);
    }
    return new Masking(mask, tokenizer.vocabSize(), specials, probability);
  }

  /** The encoded training split (not copied: do not modify). */
  public int[] trainTokens() {
    return train;
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public int[] valTokens() {
    return val.clone();
  }

  /** A token model with the configured objective (SimCSE with {@code objective.temperature}). */
  @Override
  public Network network(Settings s) {
    ObjectiveFactory objective = s.objective().equals(Contrastive.NAME)
        ? Contrastive.withTemperature(s.temperature()) : Objectives.registry().create(s.objective());
    return Network.ofTokens(s.model().toConfig(tokenizer.vocabSize()), objective, s.run().seed());
  }

  /** The corpus: its file's bytes, or the selected Europarl text (not a file of its own), hashed once at load. */
  @Override
  public Map<String, DataHash> dataHashes() {
    return Map.of("corpus", new DataHash(corpusName(), corpusSha256));
  }

  /**
   * For a resume: the corpus encoded with the run's own {@code tokenizer.json} (never refitted), or a fresh fit
   * when the run was killed before saving it (then nothing was trained yet).
   */
  public static TextData loadForResume(Settings s, Path runDir) throws IOException {
    Path saved = runDir.resolve("tokenizer.json");
    return load(s, Files.isRegularFile(saved) ? Tokenizers.load(saved) : null);
  }

  @Override
  public Map<String, Path> dataFiles() {
    return sourceFile == null ? Map.of() : Map.of("corpus", sourceFile);
  }

  @Override
  public void saveArtifacts(Path runDir, boolean ifMissing) throws IOException {
    if (!ifMissing || !Files.exists(runDir.resolve("tokenizer.json"))) { // the fit is deterministic
      saveTokenizer(runDir);
    }
  }

  @Override
  public java.util.Optional<TokenGroups> tokenGroups(int groups) {
    return java.util.Optional.of(TokenGroups.byFrequency(train, tokenizer.vocabSize(), groups));
  }

  @Override
  public String describe() {
    return String.format(java.util.Locale.ROOT, "%s tokenizer (vocab %d), %,d train / %,d val tokens, unigram "
            + "entropy %.3f nats/token", tokenizer.name(), tokenizer.vocabSize(), train.length, val.length,
        ((Number) provenance.get("unigram_entropy_nats")).doubleValue());
  }

  /** Facts for provenance.json; the local source file (if any) is added with its SHA-256 by the caller. */
  @Override
  public Map<String, Object> provenance() {
    return provenance;
  }

  /**
   * SHA-256 of the corpus: of the local file's bytes, or of the selected Europarl text (UTF-8); what
   * {@code provenance.json} records and a resume compares.
   */
  public String corpusSha256() {
    return corpusSha256;
  }

  /** What names the corpus in a message: the local file, or the Europarl jar and languages. */
  public String corpusName() {
    return sourceFile != null ? sourceFile.toString()
        : "Europarl " + provenance.get("languages") + " in " + provenance.get("jar");
  }

  /** The local text file, or null when the corpus came from the classpath. */
  public Path sourceFile() {
    return sourceFile;
  }

  /** Saves the tokenizer as {@code tokenizer.json} in the run directory. */
  public void saveTokenizer(Path runDir) throws IOException {
    tokenizer.save(runDir.resolve("tokenizer.json"));
  }
}
