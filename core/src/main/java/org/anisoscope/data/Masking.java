package org.anisoscope.data;

import com.google.common.base.Preconditions;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * BERT's masking procedure (Devlin et al. 2019, §3.1 "Task #1: Masked LM"): each position that does not hold a
 * special id is chosen with probability {@code p} (0.15); a chosen position's input becomes the mask id with
 * probability 0.8, a random non-special id with 0.1, and stays unchanged with 0.1. Its target is the original
 * token; every other target is {@link Batch#IGNORE}. As in BERT and Hugging Face's collator, a random
 * replacement is drawn uniformly over all non-special ids and may therefore equal the original token.
 *
 * <p>At least one position per batch is chosen: when the Bernoulli draws choose none (likely only for tiny
 * batches: {@code (1 − p)^n}), one eligible position is drawn uniformly and goes through the same 80/10/10
 * split. A batch with no eligible position (only special ids) is refused. The forced position biases the
 * rate by at most {@code (1 − p)^n / n} per batch of n eligible positions, nothing measurable at training
 * sizes.
 *
 * <p>Deterministic: the same tokens and a {@link SplittableRandom} in the same state give the same batch.
 * Positions are visited in order and the draws for one position are: one uniform for "chosen?", then, if
 * chosen, one uniform for the 80/10/10 split and, for a random replacement, one index.
 */
public final class Masking {
  /** BERT's probability that a position is chosen. */
  public static final double DEFAULT_PROBABILITY = 0.15;
  /** Of the chosen positions: the share replaced by the mask id. */
  public static final double MASK_SHARE = 0.8;
  /** Of the chosen positions: the share replaced by a random id (the rest stay unchanged). */
  public static final double RANDOM_SHARE = 0.1;

  private final int maskId;
  private final int vocabSize;
  private final double probability;
  private final BitSet special;      // special ids, the mask id included
  private final int[] replacements;  // the non-special ids, in increasing order

  /**
   * @param maskId the id that replaces 80 % of the chosen positions; treated as special
   * @param vocabSize every id is in {@code [0, vocabSize)}
   * @param specialIds ids (padding, BOS/EOS, CLS/SEP, …) that are never chosen nor drawn as a replacement
   * @param probability the share of eligible positions chosen, in {@code (0, 1]}
   */
  public Masking(int maskId, int vocabSize, Set<Integer> specialIds, double probability) {
    Preconditions.checkArgument(vocabSize >= 2, "vocabSize must be >= 2, got %s", vocabSize);
    Preconditions.checkArgument(maskId >= 0 && maskId < vocabSize, "mask id %s outside [0, %s)", maskId, vocabSize);
    Preconditions.checkArgument(probability > 0 && probability <= 1, "probability must be in (0, 1], got %s",
        probability);
    this.maskId = maskId;
    this.vocabSize = vocabSize;
    this.probability = probability;
    this.special = new BitSet(vocabSize);
    special.set(maskId);
    for (int id : specialIds) {
      Preconditions.checkArgument(id >= 0 && id < vocabSize, "special id %s outside [0, %s)", id, vocabSize);
      special.set(id);
    }
    this.replacements = new int[vocabSize - special.cardinality()];
    Preconditions.checkArgument(replacements.length > 0, "every id of the vocabulary [0, %s) is special", vocabSize);
    int k = 0;
    for (int id = special.nextClearBit(0); id < vocabSize; id = special.nextClearBit(id + 1)) {
      replacements[k++] = id;
    }
  }

  /** BERT's setting: {@link #DEFAULT_PROBABILITY}. */
  public Masking(int maskId, int vocabSize, Set<Integer> specialIds) {
    this(maskId, vocabSize, specialIds, DEFAULT_PROBABILITY);
  }

  /**
   * Masks the tokens of {@code clean} (its targets are ignored; its arrays are not modified).
   *
   * @return a new batch of the same shape: masked inputs, original tokens as targets at the chosen positions
   */
  public Batch apply(Batch clean, SplittableRandom random) {
    Preconditions.checkArgument(clean.tokens() != null, "masking needs batch tokens");
    return apply(clean.size(), clean.seq(), clean.tokens(), random);
  }

  /**
   * @param tokens the flattened batch {@code [size·seq]}
   * @return a new batch of shape {@code [size, seq]}
   */
  public Batch apply(int size, int seq, int[] tokens, SplittableRandom random) {
    Preconditions.checkArgument(tokens.length == size * seq, "tokens has %s entries, batch [%s, %s] needs %s",
        tokens.length, size, seq, size * seq);
    int[] inputs = tokens.clone();
    int[] targets = new int[tokens.length];
    Arrays.fill(targets, Batch.IGNORE);
    int eligible = 0;
    int chosen = 0;
    for (int i = 0; i < tokens.length; i++) {
      int t = tokens[i];
      Preconditions.checkArgument(t >= 0 && t < vocabSize, "token id %s at %s outside [0, %s)", t, i, vocabSize);
      if (special.get(t)) {
        continue;
      }
      eligible++;
      if (random.nextDouble() < probability) {
        choose(i, inputs, targets, random);
        chosen++;
      }
    }
    Preconditions.checkArgument(eligible > 0, "nothing to mask: all %s tokens are special ids", tokens.length);
    if (chosen == 0) {
      int pick = random.nextInt(eligible);  // the pick-th eligible position
      for (int i = 0; i < tokens.length; i++) {
        if (!special.get(tokens[i]) && pick-- == 0) {
          choose(i, inputs, targets, random);
          break;
        }
      }
    }
    return new Batch(size, seq, inputs, targets);
  }

  private void choose(int i, int[] inputs, int[] targets, SplittableRandom random) {
    targets[i] = inputs[i];
    double u = random.nextDouble();
    if (u < MASK_SHARE) {
      inputs[i] = maskId;
    } else if (u < MASK_SHARE + RANDOM_SHARE) {
      inputs[i] = replacements[random.nextInt(replacements.length)];
    }
  }

  public int maskId() {
    return maskId;
  }

  public double probability() {
    return probability;
  }
}
