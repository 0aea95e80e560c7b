package org.anisoscope.audio;

import org.anisoscope.config.Keys;
import org.anisoscope.config.Settings;
import org.anisoscope.config.SettingsException;
import org.anisoscope.data.BatchSource;
import org.anisoscope.files.BadInputException;
import org.anisoscope.model.ConvPositionEmbedding;
import org.anisoscope.model.FrontendFactory;
import org.anisoscope.model.PatchEmbedding;
import org.anisoscope.objective.MaskedCluster;
import org.anisoscope.objective.MaskedRegression;
import org.anisoscope.objective.ObjectiveFactory;
import org.anisoscope.objective.Wav2VecContrastive;
import org.anisoscope.probe.TokenGroups;
import org.anisoscope.train.ModalityData;
import org.anisoscope.train.Network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code data.modality = audio}: speech recordings from {@code data.audio.path} (a folder with a
 * {@code manifest.tsv}, a manifest file, or any folder of WAV files), split by utterance or speaker
 * ({@link AudioSplit}), read at 16 kHz and cut into 20 ms frames ({@link AudioFeatures}); the frontend is the
 * float-input {@link PatchEmbedding} over frames (a strided convolution for {@code frames}, a linear map of the
 * log-mel for {@code log-mel}). Objectives: {@code wav2vec-contrastive}, {@code masked-regression} (log-mel
 * targets) and {@code masked-cluster} (k-means ids, the centroids saved as {@code kmeans.npy} in the run
 * directory).
 */
public final class AudioData implements ModalityData {
  public static final String MODALITY = "audio";
  public static final String FETCH_COMMAND = "experiments/fetch-data.sh audio";
  public static final String KMEANS_FILE = "kmeans.npy";
  private static final String P = "anisoscope.data.audio.";

  private final AudioCorpus corpus;
  private final AudioSplit split;
  private final AudioFeatures features;
  private final KMeans kmeans; // masked-cluster only
  private final Path source;

  private AudioData(AudioCorpus corpus, AudioSplit split, AudioFeatures features, KMeans kmeans, Path source) {
    this.corpus = corpus;
    this.split = split;
    this.features = features;
    this.kmeans = kmeans;
    this.source = source;
  }

  /** Validates every {@code data.audio} key and that the data exists, reading no recording. */
  public static void validate(Settings s) {
    Keys k = s.keys();
    k.oneOf(P + "features", Set.of("frames", "log-mel"));
    k.doubleIn(P + "val-fraction", 0.01, 0.9);
    k.doubleIn(P + "mask-probability", 0.01, 1.0);
    k.intIn(P + "mask-span", 1, 1000);
    k.intIn(P + "distractors", 1, 1000);
    k.intIn(P + "clusters", 2, 10_000);
    k.intIn(P + "kmeans-frames", 100, 10_000_000);
    k.intIn(P + "kmeans-iterations", 1, 1000);
    k.intIn(P + "train-limit", 0, Integer.MAX_VALUE);
    int conv = k.intIn(P + "pos-conv-kernel", 0, 1001);
    if (conv % 2 == 0 && conv != 0) {
      throw k.invalid(P + "pos-conv-kernel", "0 (off) or an odd number of taps (a centred kernel)");
    }
    if (!Set.of(MaskedRegression.NAME, MaskedCluster.NAME, Wav2VecContrastive.NAME).contains(s.objective())) {
      throw k.invalid("anisoscope.objective.type", "wav2vec-contrastive, masked-regression or masked-cluster for "
          + "data.modality = audio");
    }
    if (s.model().causal()) {
      throw k.invalid("anisoscope.model.causal", "false for data.modality = audio (an encoder)");
    }
    Path p = Path.of(k.string(P + "path"));
    if (!Files.exists(p)) {
      throw new SettingsException(p + ": no audio data (data.audio.path). Fetch festvox-ru and pocketsphinx with: "
          + FETCH_COMMAND);
    }
  }

  public static AudioData load(Settings s) {
    validate(s);
    Keys k = s.keys();
    Path path = Path.of(k.string(P + "path"));
    try {
      return load(s, k, path);
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      // the readers' one-line messages name the file (manifest line, WAV) and what was expected: bad input
      throw new BadInputException(e.getMessage(), e);
    }
  }

  private static AudioData load(Settings s, Keys k, Path path) {
    List<Utterance> all = AudioManifest.load(path);
    int limit = k.config().getInt(P + "train-limit");
    AudioSplit split = AudioSplit.of(all, k.config().getDouble(P + "val-fraction"), s.run().seed());
    if (limit > 0 && split.train().size() > limit) {
      split = new AudioSplit(split.train().subList(0, limit), split.val(), split.bySpeaker());
    }
    AudioFeatures features = AudioFeatures.of(k.config().getString(P + "features"));
    AudioCorpus corpus = new AudioCorpus(split.train(), split.val(), features == AudioFeatures.FRAMES);
    KMeans km = null;
    if (s.objective().equals(MaskedCluster.NAME)) {
      km = corpus.clusterTrainFrames(k.config().getInt(P + "clusters"), k.config().getInt(P + "kmeans-frames"),
          k.config().getInt(P + "kmeans-iterations"), s.run().seed());
    }
    AudioData d = new AudioData(corpus, split, features, km, path);
    int candidates = d.batches(s) instanceof AudioBatches b ? b.probeCandidates() : 0;
    if (s.probe().sequences() > candidates) {
      throw k.invalid("anisoscope.probe.sequences", "<= " + candidates + " (validation utterances of at least "
          + s.model().context() + " frames, one unpadded probe crop each)");
    }
    return d;
  }

  @Override
  public BatchSource batches(Settings s) {
    Keys k = s.keys();
    AudioBatches.Target t = switch (s.objective()) {
      case MaskedRegression.NAME -> AudioBatches.Target.LOG_MEL;
      case MaskedCluster.NAME -> AudioBatches.Target.CLUSTERS;
      default -> AudioBatches.Target.NONE;
    };
    return new AudioBatches(corpus.train, corpus.val, features, t, s.model().context(), s.train().batchSize(),
        s.train().evalBatches(), s.run().seed(), k.config().getDouble(P + "mask-probability"),
        k.config().getInt(P + "mask-span"));
  }

  @Override
  public Network network(Settings s) {
    Keys k = s.keys();
    ObjectiveFactory objective = switch (s.objective()) {
      case MaskedRegression.NAME -> MaskedRegression.factory(AudioFeatures.MELS);
      case MaskedCluster.NAME -> MaskedCluster.factory(kmeans.k());
      default -> Wav2VecContrastive.factory(k.config().getInt(P + "distractors"), s.temperature());
    };
    FrontendFactory frontend = ConvPositionEmbedding.factory(PatchEmbedding.factory(features.width(), false),
        k.config().getInt(P + "pos-conv-kernel"));
    return new Network(s.model().toConfig(0), frontend, objective, s.run().seed());
  }

  @Override
  public Map<String, Object> provenance() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("modality", MODALITY);
    p.put("audio_source", source.toString());
    p.put("features", features.key());
    p.put("train_utterances", corpus.train.size());
    p.put("val_utterances", corpus.val.size());
    p.put("train_minutes", AudioCorpus.minutes(corpus.train));
    p.put("val_minutes", AudioCorpus.minutes(corpus.val));
    p.put("dropped_shorter_than_25ms", corpus.dropped);
    p.put("split_by_speaker", split.bySpeaker());
    p.put("speakers", java.util.stream.Stream.concat(split.train().stream(), split.val().stream())
        .map(Utterance::speaker).distinct().count());
    if (kmeans != null) {
      double[] prior = clusterPrior(corpus.val, kmeans.k());
      p.put("kmeans_val_majority_share", majority(prior));
      p.put("kmeans_val_prior_entropy", entropy(prior));
      p.put("kmeans_clusters", kmeans.k());
      p.put("kmeans_iterations", kmeans.iterations());
      p.put("kmeans_inertia", kmeans.inertia());
    }
    return p;
  }

  @Override
  public Map<String, Path> dataFiles() {
    Path m = Files.isDirectory(source) ? source.resolve(AudioManifest.NAME) : source;
    return Files.isRegularFile(m) ? Map.of("manifest", m) : Map.of();
  }

  @Override
  public void saveArtifacts(Path runDir, boolean ifMissing) throws IOException {
    if (kmeans == null) {
      return;
    }
    Path f = runDir.resolve(KMEANS_FILE);
    if (!ifMissing || !Files.exists(f)) {
      kmeans.save(f); // written to a temporary sibling and renamed (Npy)
    }
  }

  @Override
  public Optional<TokenGroups> tokenGroups(int groups) {
    return Optional.empty();
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "%d train / %d val utterances (%.1f / %.1f min, split by %s), %s features "
            + "(%d values per 20 ms frame)%s", corpus.train.size(), corpus.val.size(), AudioCorpus.minutes(corpus.train),
        AudioCorpus.minutes(corpus.val), split.bySpeaker() ? "speaker" : "utterance", features.key(),
        features.width(), kmeans == null ? "" : String.format(Locale.ROOT, "; k-means %d clusters (%d iterations; "
            + "validation frames: majority cluster %.3f, prior entropy %.3f nats)", kmeans.k(), kmeans.iterations(),
            majority(clusterPrior(corpus.val, kmeans.k())), entropy(clusterPrior(corpus.val, kmeans.k()))));
  }

  /**
   * The share of each cluster id among the frames of {@code clips}: what a model that learned only the prior
   * achieves is its largest share (accuracy) and its entropy (cross-entropy, nats).
   */
  static double[] clusterPrior(List<Clip> clips, int k) {
    double[] share = new double[k];
    long n = 0;
    for (Clip c : clips) {
      for (int id : c.clusters()) {
        share[id]++;
        n++;
      }
    }
    for (int i = 0; i < k; i++) {
      share[i] /= Math.max(1, n);
    }
    return share;
  }

  static double majority(double[] prior) {
    return java.util.Arrays.stream(prior).max().orElse(0);
  }

  static double entropy(double[] prior) {
    double h = 0;
    for (double p : prior) {
      h -= p > 0 ? p * Math.log(p) : 0;
    }
    return h;
  }

  /** The k-means of masked-cluster (null for the other objectives). */
  public KMeans kmeans() {
    return kmeans;
  }
}
