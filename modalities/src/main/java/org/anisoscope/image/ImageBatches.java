package org.anisoscope.image;

import com.google.common.base.Preconditions;
import org.anisoscope.data.Batch;
import org.anisoscope.data.BatchSource;
import org.anisoscope.util.Seeds;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batches of patch sequences from a training and a validation image set: training batch k is {@code batchSize}
 * images drawn uniformly (with replacement) by (seed, k); validation batches are the first
 * {@code evalBatches × batchSize} validation images in order (the whole set when that covers it); the probe set is
 * the first {@code probe.sequences} validation images. Pixels are scaled to {@code [0, 1]} and standardised with
 * the training set's mean and standard deviation.
 *
 * <p>What each objective sees ({@link Kind}): labelled sequences (classification); masked sequences whose
 * {@code valueTargets} are each patch's own pixels normalised to zero mean and unit variance (MAE's
 * {@code norm_pix_loss}; masked-regression); or two augmented views of each image stacked as rows {@code i} and
 * {@code n + i} (contrastive: random shift by up to {@code shift} pixels with zero fill, a horizontal flip with
 * probability ½, Gaussian noise of standard deviation {@code noise}). Every draw is a function of (seed, stream,
 * step), so a resumed run sees the same batches.
 */
public final class ImageBatches implements BatchSource {
  /** What the batches are for. */
  public enum Kind { LABELLED, MASKED, TWO_VIEWS }

  private final ImageSet train;
  private final ImageSet val;
  private final Patches patches;
  private final int batchSize;
  private final int evalBatches;
  private final long seed;
  private final Kind kind;
  private final double maskRatio;
  private final int shift;
  private final double noise;
  private final float mean;
  private final float std;

  public ImageBatches(ImageSet train, ImageSet val, Patches patches, int batchSize, int evalBatches, long seed,
      Kind kind, double maskRatio, int shift, double noise) {
    Preconditions.checkArgument(train.height() == val.height() && train.width() == val.width(),
        "training images are %s×%s, validation images %s×%s", train.width(), train.height(), val.width(),
        val.height());
    this.train = train;
    this.val = val;
    this.patches = patches;
    this.batchSize = batchSize;
    this.evalBatches = evalBatches;
    this.seed = seed;
    this.kind = kind;
    this.maskRatio = maskRatio;
    this.shift = shift;
    this.noise = noise;
    double sum = 0;
    double sq = 0;
    for (byte b : train.pixels()) {
      double v = (b & 0xFF) / 255.0;
      sum += v;
      sq += v * v;
    }
    double m = sum / train.pixels().length;
    this.mean = (float) m;
    this.std = (float) Math.max(1e-3, Math.sqrt(Math.max(0, sq / train.pixels().length - m * m)));
  }

  @Override
  public Batch train(long step) {
    SplittableRandom r = new SplittableRandom(Seeds.derive(seed, Seeds.TRAIN_BATCHES, step));
    int[] idx = new int[batchSize];
    for (int b = 0; b < batchSize; b++) {
      idx[b] = r.nextInt(train.count());
    }
    return shaped(train, idx, new SplittableRandom(Seeds.derive(seed, Seeds.MASKING, step)));
  }

  @Override
  public List<Batch> evalBatches() {
    List<Batch> out = new ArrayList<>();
    int total = Math.min(val.count(), evalBatches * batchSize);
    for (int from = 0, i = 0; from < total; from += batchSize, i++) {
      int to = Math.min(total, from + batchSize);
      if (kind == Kind.TWO_VIEWS && to - from < 2) {
        break;                                  // InfoNCE needs two images per batch
      }
      out.add(shaped(val, range(from, to), new SplittableRandom(Seeds.derive(seed, Seeds.MASKING, -1 - i))));
    }
    return out;
  }

  @Override
  public List<Batch> probeBatches(int sequences, int probeBatchSize) {
    Preconditions.checkArgument(sequences <= val.count(), "probe.sequences = %s, but the validation split has only "
        + "%s images", sequences, val.count());
    List<Batch> out = new ArrayList<>();
    for (int from = 0; from < sequences; from += probeBatchSize) {
      int[] idx = range(from, Math.min(sequences, from + probeBatchSize));
      out.add(Batch.ofInputs(idx.length, patches.seq(), rows(val, idx, null), labels(val, idx)));
    }
    return out;
  }

  /** The batch of images {@code idx} as the objective wants it. */
  private Batch shaped(ImageSet set, int[] idx, SplittableRandom r) {
    int seq = patches.seq();
    return switch (kind) {
      case LABELLED -> Batch.ofInputs(idx.length, seq, rows(set, idx, null), labels(set, idx));
      case MASKED -> {
        Batch.Rows in = rows(set, idx, null);
        yield Batch.ofInputs(idx.length, seq, in, null).withMasked(mask(idx.length, r), patchTargets(in));
      }
      case TWO_VIEWS -> {
        int[] both = new int[2 * idx.length];
        System.arraycopy(idx, 0, both, 0, idx.length);
        System.arraycopy(idx, 0, both, idx.length, idx.length);
        yield Batch.ofInputs(both.length, seq, rows(set, both, r), null);
      }
    };
  }

  /** Patch rows of images {@code idx}, standardised; augmented with draws from {@code augment} when non-null. */
  Batch.Rows rows(ImageSet set, int[] idx, SplittableRandom augment) {
    int h = set.height();
    int w = set.width();
    float[] img = new float[h * w];
    float[] out = new float[idx.length * patches.seq() * patches.features()];
    for (int b = 0; b < idx.length; b++) {
      int dy = 0;
      int dx = 0;
      boolean flip = false;
      if (augment != null) {
        dy = augment.nextInt(2 * shift + 1) - shift;
        dx = augment.nextInt(2 * shift + 1) - shift;
        flip = augment.nextBoolean();
      }
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int sy = y - dy;
          int sx = flip ? w - 1 - (x - dx) : x - dx;
          double v = sy >= 0 && sy < h && sx >= 0 && sx < w ? set.pixel(idx[b], sy, sx) / 255.0 : 0.0;
          double z = (v - mean) / std;
          if (augment != null && noise > 0) {
            z += noise * gaussian(augment);
          }
          img[y * w + x] = (float) z;
        }
      }
      patches.write(img, out, b * patches.seq());
    }
    return new Batch.Rows(out, patches.features());
  }

  /** {@code round(ratio · patches)} patches of each image, uniformly without replacement; never the class token. */
  private boolean[] mask(int images, SplittableRandom r) {
    int seq = patches.seq();
    int first = patches.cls() ? 1 : 0;
    int p = patches.patches();
    int k = Math.max(1, Math.min(p - 1, (int) Math.round(maskRatio * p)));
    boolean[] masked = new boolean[images * seq];
    int[] order = new int[p];
    for (int b = 0; b < images; b++) {
      for (int i = 0; i < p; i++) {
        order[i] = i;
      }
      for (int i = 0; i < k; i++) {             // partial Fisher–Yates: the first k of a random permutation
        int j = i + r.nextInt(p - i);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
        masked[b * seq + first + order[i]] = true;
      }
    }
    return masked;
  }

  /** Each patch's values normalised to zero mean and unit variance (MAE's norm_pix_loss targets). */
  static Batch.Rows patchTargets(Batch.Rows in) {
    int f = in.width();
    float[] v = in.values();
    float[] t = new float[v.length];
    for (int row = 0; row < in.rows(); row++) {
      double s = 0;
      double sq = 0;
      for (int j = 0; j < f; j++) {
        s += v[row * f + j];
      }
      double m = s / f;
      for (int j = 0; j < f; j++) {
        double d = v[row * f + j] - m;
        sq += d * d;
      }
      double inv = 1.0 / Math.sqrt(sq / f + 1e-6);
      for (int j = 0; j < f; j++) {
        t[row * f + j] = (float) ((v[row * f + j] - m) * inv);
      }
    }
    return new Batch.Rows(t, f);
  }

  private static double gaussian(SplittableRandom r) {
    double u1 = Math.max(r.nextDouble(), 1e-300);
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  private static int[] labels(ImageSet set, int[] idx) {
    int[] l = new int[idx.length];
    for (int i = 0; i < idx.length; i++) {
      l[i] = set.labels()[idx[i]];
    }
    return l;
  }

  private static int[] range(int from, int to) {
    int[] r = new int[to - from];
    for (int i = 0; i < r.length; i++) {
      r[i] = from + i;
    }
    return r;
  }

  /** Every patch of a probe image labelled with the image's class, named as the data names it (the cone plot). */
  @Override
  public java.util.Optional<org.anisoscope.probe.ProbeLabels> probeLabels() {
    List<String> names = val.classNames().size() >= train.classNames().size() ? val.classNames()
        : train.classNames();
    return java.util.Optional.of(new org.anisoscope.probe.ProbeLabels() {
      @Override
      public String kind() {
        return "class";
      }

      @Override
      public boolean ordered() {
        return false;
      }

      @Override
      public List<String> names() {
        return names;
      }

      @Override
      public int[] labels(Batch batch) {
        int[] out = new int[batch.positions()];
        for (int i = 0; i < out.length; i++) {
          out[i] = batch.labels() == null ? -1 : batch.labels()[i / batch.seq()];
        }
        return out;
      }
    });
  }

  @Override
  public long trainPositions() {
    return (long) train.count() * patches.seq();
  }

  @Override
  public int seq() {
    return patches.seq();
  }

  /** The training set's pixel mean and standard deviation (on {@code [0, 1]}) used to standardise. */
  public float[] standardisation() {
    return new float[] {mean, std};
  }
}
