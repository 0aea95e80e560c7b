package org.anisoscope.audio;

import com.google.common.base.Preconditions;
import org.anisoscope.data.Batch;
import org.anisoscope.data.BatchSource;
import org.anisoscope.util.Seeds;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batches of {@code seq}-frame crops of utterances. Training batch k: {@code batchSize} utterances drawn
 * uniformly (with replacement) by (seed, k), each cropped at a uniform start when longer than {@code seq} frames,
 * else taken whole and padded at its end ({@link Batch#padding}: attention ignores padded keys, and they are never
 * masked, so no loss counts them). Validation batches: {@code evalBatches × batchSize} crops cycling through the
 * validation utterances with seeded starts. The probe set: the first {@code probe.sequences} validation utterances
 * of at least {@code seq} frames, centre-cropped, one sequence per utterance and never padded, so no padded frame
 * enters a metric and {@code cos_mean_intra} is "within one recording".
 *
 * <p>What the objective gets besides the inputs ({@link Target}): span masks ({@link SpanMasking}) and, for masked
 * regression, the standardised log-mel of every frame as {@code valueTargets}; for masked-cluster, the k-means id
 * of each masked frame as {@code targets} ({@link Batch#IGNORE} elsewhere); for the contrastive task the masks
 * alone (its targets come from the frontend).
 */
public final class AudioBatches implements BatchSource {
  /** What the objective predicts. */
  public enum Target { LOG_MEL, CLUSTERS, NONE }

  private final List<Clip> train;
  private final List<Clip> val;
  private final AudioFeatures features;
  private final Target target;
  private final int seq;
  private final int batchSize;
  private final int evalBatches;
  private final long seed;
  private final double maskProbability;
  private final int maskSpan;

  AudioBatches(List<Clip> train, List<Clip> val, AudioFeatures features, Target target, int seq, int batchSize,
      int evalBatches, long seed, double maskProbability, int maskSpan) {
    Preconditions.checkArgument(!train.isEmpty() && !val.isEmpty(), "empty split");
    this.train = train;
    this.val = val;
    this.features = features;
    this.target = target;
    this.seq = seq;
    this.batchSize = batchSize;
    this.evalBatches = evalBatches;
    this.seed = seed;
    this.maskProbability = maskProbability;
    this.maskSpan = maskSpan;
  }

  @Override
  public Batch train(long step) {
    SplittableRandom r = new SplittableRandom(Seeds.derive(seed, Seeds.TRAIN_BATCHES, step));
    Clip[] clips = new Clip[batchSize];
    int[] starts = new int[batchSize];
    for (int b = 0; b < batchSize; b++) {
      clips[b] = train.get(r.nextInt(train.size()));
      starts[b] = clips[b].frames() > seq ? r.nextInt(clips[b].frames() - seq + 1) : 0;
    }
    return batch(clips, starts, new SplittableRandom(Seeds.derive(seed, Seeds.MASKING, step)), true);
  }

  @Override
  public List<Batch> evalBatches() {
    List<Batch> out = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(Seeds.derive(seed, Seeds.EVAL_BATCHES, 0));
    int next = 0;
    for (int i = 0; i < evalBatches; i++) {
      Clip[] clips = new Clip[batchSize];
      int[] starts = new int[batchSize];
      for (int b = 0; b < batchSize; b++) {
        clips[b] = val.get(next++ % val.size());
        starts[b] = clips[b].frames() > seq ? r.nextInt(clips[b].frames() - seq + 1) : 0;
      }
      out.add(batch(clips, starts, new SplittableRandom(Seeds.derive(seed, Seeds.MASKING, -1 - i)), true));
    }
    return out;
  }

  /** Validation utterances of at least {@code seq} frames: the probe's candidates. */
  public int probeCandidates() {
    return (int) val.stream().filter(c -> c.frames() >= seq).count();
  }

  @Override
  public List<Batch> probeBatches(int sequences, int probeBatchSize) {
    List<Clip> full = val.stream().filter(c -> c.frames() >= seq).toList();
    Preconditions.checkArgument(sequences <= full.size(), "probe.sequences = %s, but only %s validation utterances "
        + "are at least %s frames long (one unpadded crop per utterance)", sequences, full.size(), seq);
    List<Batch> out = new ArrayList<>();
    for (int from = 0; from < sequences; from += probeBatchSize) {
      int n = Math.min(probeBatchSize, sequences - from);
      Clip[] clips = new Clip[n];
      int[] starts = new int[n];
      for (int b = 0; b < n; b++) {
        clips[b] = full.get(from + b);
        starts[b] = (clips[b].frames() - seq) / 2;
      }
      out.add(batch(clips, starts, null, false));
    }
    return out;
  }

  /** Crops {@code clips} at {@code starts}; masks (and targets) only with {@code masks}. */
  Batch batch(Clip[] clips, int[] starts, SplittableRandom r, boolean masks) {
    int n = clips.length;
    int f = features.width();
    int m = AudioFeatures.MELS;
    float[] in = new float[n * seq * f];
    boolean[] padding = new boolean[n * seq];
    boolean anyPadding = false;
    boolean[] masked = masks ? new boolean[n * seq] : null;
    float[] mel = masks && target == Target.LOG_MEL ? new float[n * seq * m] : null;
    int[] ids = masks && target == Target.CLUSTERS ? new int[n * seq] : null;
    for (int b = 0; b < n; b++) {
      Clip c = clips[b];
      int real = Math.min(seq, c.frames() - starts[b]);
      for (int t = 0; t < seq; t++) {
        int row = b * seq + t;
        if (t >= real) {
          padding[row] = true;
          anyPadding = true;
          continue;
        }
        int frame = starts[b] + t;
        if (features == AudioFeatures.FRAMES) {
          System.arraycopy(c.wave(), frame * AudioFeatures.HOP, in, row * f, f);
        } else {
          System.arraycopy(c.mel(), frame * m, in, row * f, f);
        }
        if (mel != null) {
          System.arraycopy(c.mel(), frame * m, mel, row * m, m);
        }
      }
      if (masks) {
        SpanMasking.mask(masked, b * seq, real, maskProbability, maskSpan, r);
      }
      if (ids != null) {
        for (int t = 0; t < seq; t++) {
          ids[b * seq + t] = t < real && masked[b * seq + t] ? c.clusters()[starts[b] + t] : Batch.IGNORE;
        }
      }
    }
    return new Batch(n, seq, null, ids, new Batch.Rows(in, f), null, anyPadding ? padding : null, masked,
        mel == null ? null : new Batch.Rows(mel, m));
  }

  @Override
  public long trainPositions() {
    long s = 0;
    for (Clip c : train) {
      s += c.frames();
    }
    return s;
  }

  @Override
  public int seq() {
    return seq;
  }
}
