package org.anisoscope.data;

import com.google.common.base.Preconditions;
import org.anisoscope.util.Seeds;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Next-token batches from token streams (nanoGPT's get_batch): each training sequence is a window of
 * {@code seq} tokens at a uniformly random offset of the training split, its targets the same window shifted by
 * one. Validation and probe windows come from the validation split at fixed, evenly spaced offsets.
 */
public final class TokenWindows implements BatchSource {
  private final int[] train;
  private final int[] val;
  private final int seq;
  private final int batchSize;
  private final int evalBatches;
  private final long seed;

  public TokenWindows(int[] train, int[] val, int seq, int batchSize, int evalBatches, long seed) {
    Preconditions.checkArgument(train.length > seq + 1, "the training split has %s tokens; it needs more than "
        + "model.context + 1 = %s", train.length, seq + 1);
    Preconditions.checkArgument(val.length > seq + 1, "the validation split has %s tokens; it needs more than "
        + "model.context + 1 = %s", val.length, seq + 1);
    this.train = train;
    this.val = val;
    this.seq = seq;
    this.batchSize = batchSize;
    this.evalBatches = evalBatches;
    this.seed = seed;
  }

  @Override
  public Batch train(long step) {
    SplittableRandom r = new SplittableRandom(Seeds.derive(seed, Seeds.TRAIN_BATCHES, step));
    int[] starts = new int[batchSize];
    for (int b = 0; b < batchSize; b++) {
      starts[b] = r.nextInt(train.length - seq);
    }
    return windows(train, starts);
  }

  @Override
  public List<Batch> evalBatches() {
    List<Batch> out = new ArrayList<>();
    for (int i = 0; i < evalBatches; i++) {
      SplittableRandom r = new SplittableRandom(Seeds.derive(seed, Seeds.EVAL_BATCHES, i));
      int[] starts = new int[batchSize];
      for (int b = 0; b < batchSize; b++) {
        starts[b] = r.nextInt(val.length - seq);
      }
      out.add(windows(val, starts));
    }
    return out;
  }

  @Override
  public List<Batch> probeBatches(int sequences, int probeBatchSize) {
    // Evenly spaced over the validation split: deterministic, no randomness, covers the whole split.
    int span = val.length - seq - 1;
    int[] starts = new int[sequences];
    for (int i = 0; i < sequences; i++) {
      starts[i] = (int) ((long) span * i / Math.max(1, sequences));
    }
    List<Batch> out = new ArrayList<>();
    for (int from = 0; from < sequences; from += probeBatchSize) {
      int to = Math.min(sequences, from + probeBatchSize);
      out.add(windows(val, java.util.Arrays.copyOfRange(starts, from, to)));
    }
    return out;
  }

  private Batch windows(int[] tokens, int[] starts) {
    int[] in = new int[starts.length * seq];
    int[] tg = new int[starts.length * seq];
    for (int b = 0; b < starts.length; b++) {
      System.arraycopy(tokens, starts[b], in, b * seq, seq);
      System.arraycopy(tokens, starts[b] + 1, tg, b * seq, seq);
    }
    return new Batch(starts.length, seq, in, tg);
  }

  @Override
  public long trainPositions() {
    return train.length;
  }

  @Override
  public int seq() {
    return seq;
  }

  /** The validation tokens (e.g. to seed a generated sample). */
  public int[] valTokens() {
    return val.clone();
  }
}
