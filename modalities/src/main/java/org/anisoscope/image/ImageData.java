package org.anisoscope.image;

import org.anisoscope.config.Keys;
import org.anisoscope.config.Settings;
import org.anisoscope.config.SettingsException;
import org.anisoscope.data.BatchSource;
import org.anisoscope.model.PatchEmbedding;
import org.anisoscope.objective.Classification;
import org.anisoscope.objective.Contrastive;
import org.anisoscope.objective.MaskedRegression;
import org.anisoscope.objective.ObjectiveFactory;
import org.anisoscope.probe.TokenGroups;
import org.anisoscope.train.ModalityData;
import org.anisoscope.train.Network;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code data.modality = image}: grey images with one class each, from {@code data.image.path}: a folder holding
 * the four gzipped IDX files of (Fashion-)MNIST ({@code train-images-idx3-ubyte.gz}, {@code
 * train-labels-idx1-ubyte.gz}, {@code t10k-images-idx3-ubyte.gz}, {@code t10k-labels-idx1-ubyte.gz}: train is the
 * training split, t10k the validation split), or a folder with {@code train/} and {@code val/} sub-folders that
 * each hold one sub-folder of PNG/JPEG images per class. A ViT: each image is a sequence of patches
 * ({@link Patches}) fed to the {@link PatchEmbedding}.
 */
public final class ImageData implements ModalityData {
  public static final String MODALITY = "image";
  static final List<String> IDX_FILES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
      "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
  /** The one command that installs the default data. */
  public static final String FETCH_COMMAND = "experiments/fetch-data.sh image";

  private final ImageSet train;
  private final ImageSet val;
  private final Patches patches;
  private final Map<String, Path> files = new LinkedHashMap<>();

  private ImageData(ImageSet train, ImageSet val, Patches patches) {
    this.train = train;
    this.val = val;
    this.patches = patches;
  }

  /** Validates every {@code data.image} key without reading any data (before a run directory exists). */
  public static void validate(Settings s) {
    Keys k = s.keys();
    k.intIn("anisoscope.data.image.patch-size", 1, 64);
    k.bool("anisoscope.data.image.cls-token");
    k.doubleIn("anisoscope.data.image.mask-ratio", 0.01, 0.99);
    k.intIn("anisoscope.data.image.shift", 0, 16);
    k.doubleIn("anisoscope.data.image.noise", 0.0, 10.0);
    k.intIn("anisoscope.data.image.train-limit", 0, Integer.MAX_VALUE);
    if (!Set.of("classification", MaskedRegression.NAME, Contrastive.NAME).contains(s.objective())) {
      throw k.invalid("anisoscope.objective.type", "classification, masked-regression or contrastive for "
          + "data.modality = image");
    }
    if (s.model().causal()) {
      throw k.invalid("anisoscope.model.causal", "false for data.modality = image (a ViT encoder)");
    }
    k.string("anisoscope.data.image.path");
  }

  static Path dataDir(Keys k) {
    return Path.of(k.string("anisoscope.data.image.path"));
  }

  /** Reads the images (every check of the data happens here, before a run directory is made). */
  public static ImageData load(Settings s) {
    validate(s);
    Keys k = s.keys();
    Path dir = dataDir(k);
    if (!Files.isDirectory(dir)) {
      throw new SettingsException(dir + ": no image data (data.image.path). Fetch Fashion-MNIST with: "
          + FETCH_COMMAND);
    }
    ImageSet train;
    ImageSet val;
    Map<String, Path> files = new LinkedHashMap<>();
    if (Files.isRegularFile(dir.resolve(IDX_FILES.get(0)))) {
      for (String f : IDX_FILES) {
        files.put(f, dir.resolve(f));
      }
      train = idx(dir.resolve(IDX_FILES.get(0)), dir.resolve(IDX_FILES.get(1)));
      val = idx(dir.resolve(IDX_FILES.get(2)), dir.resolve(IDX_FILES.get(3)));
    } else if (Files.isDirectory(dir.resolve("train")) && Files.isDirectory(dir.resolve("val"))) {
      train = ImageFolder.read(dir.resolve("train"));
      val = ImageFolder.read(dir.resolve("val"));
      if (!train.classNames().equals(val.classNames())) {
        throw new SettingsException(dir.resolve("val") + ": expected the class sub-folders of "
            + dir.resolve("train") + " " + train.classNames() + ", got " + val.classNames());
      }
    } else {
      throw new SettingsException(dir + ": expected the four IDX files " + IDX_FILES + " or train/ and val/ "
          + "folders of class sub-folders (data.image.path). Fetch Fashion-MNIST with: " + FETCH_COMMAND);
    }
    int limit = k.config().getInt("anisoscope.data.image.train-limit");
    if (limit > 0) {
      train = train.head(limit);
    }
    int p = k.config().getInt("anisoscope.data.image.patch-size");
    if (train.height() % p != 0 || train.width() % p != 0) {
      throw k.invalid("anisoscope.data.image.patch-size", "a divisor of the image size " + train.width() + "×"
          + train.height());
    }
    Patches patches = new Patches(train.height(), train.width(), p, k.config().getBoolean(
        "anisoscope.data.image.cls-token"));
    if (s.model().context() < patches.seq()) {
      throw k.invalid("anisoscope.model.context", ">= " + patches.seq() + " (patches per image"
          + (patches.cls() ? " + the class token" : "") + ")");
    }
    if (s.probe().sequences() > val.count()) {
      throw k.invalid("anisoscope.probe.sequences", "<= " + val.count() + " (validation images)");
    }
    ImageData d = new ImageData(train, val, patches);
    d.files.putAll(files);
    return d;
  }

  private static ImageSet idx(Path images, Path labels) {
    Idx.Images im = Idx.readImages(images);
    int[] l = Idx.readLabels(labels);
    if (l.length != im.count()) {
      throw new SettingsException(labels + ": expected " + im.count() + " labels (one per image of " + images
          + "), got " + l.length);
    }
    int classes = 0;
    for (int v : l) {
      classes = Math.max(classes, v + 1);
    }
    List<String> names = new java.util.ArrayList<>();
    for (int c = 0; c < Math.max(classes, 2); c++) {
      names.add(Integer.toString(c));
    }
    return new ImageSet(im.count(), im.rows(), im.cols(), im.pixels(), l, names);
  }

  @Override
  public BatchSource batches(Settings s) {
    Keys k = s.keys();
    ImageBatches.Kind kind = switch (s.objective()) {
      case MaskedRegression.NAME -> ImageBatches.Kind.MASKED;
      case Contrastive.NAME -> ImageBatches.Kind.TWO_VIEWS;
      default -> ImageBatches.Kind.LABELLED;
    };
    return new ImageBatches(train, val, patches, s.train().batchSize(), s.train().evalBatches(), s.run().seed(),
        kind, k.config().getDouble("anisoscope.data.image.mask-ratio"),
        k.config().getInt("anisoscope.data.image.shift"), k.config().getDouble("anisoscope.data.image.noise"));
  }

  @Override
  public Network network(Settings s) {
    ObjectiveFactory objective = switch (s.objective()) {
      case MaskedRegression.NAME -> MaskedRegression.factory(patches.features());
      case Contrastive.NAME -> Contrastive.withTemperature(s.temperature());
      default -> Classification.factory(Math.max(train.classes(), val.classes()), patches.cls());
    };
    return new Network(s.model().toConfig(0), PatchEmbedding.factory(patches.features(), patches.cls()), objective,
        s.run().seed());
  }

  @Override
  public Map<String, Object> provenance() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("modality", MODALITY);
    p.put("train_images", train.count());
    p.put("val_images", val.count());
    p.put("image_size", train.width() + "x" + train.height());
    p.put("classes", train.classes());
    p.put("patches_per_image", patches.patches());
    p.put("patch_values", patches.features());
    p.put("cls_token", patches.cls());
    return p;
  }

  @Override
  public Map<String, Path> dataFiles() {
    return files;
  }

  @Override
  public void saveArtifacts(Path runDir, boolean ifMissing) {
    // Nothing of its own: the images are read in place, their hashes are in provenance.json.
  }

  @Override
  public Optional<TokenGroups> tokenGroups(int groups) {
    return Optional.empty();
  }

  @Override
  public String describe() {
    return String.format(java.util.Locale.ROOT, "%,d train / %,d val images of %d×%d, %d classes; %d patches of "
            + "%d×%d per image%s", train.count(), val.count(), train.width(), train.height(), train.classes(),
        patches.patches(), (int) Math.sqrt(patches.features()), (int) Math.sqrt(patches.features()),
        patches.cls() ? " + a class token" : "");
  }

  public ImageSet trainSet() {
    return train;
  }

  public ImageSet valSet() {
    return val;
  }

  public Patches patches() {
    return patches;
  }
}
