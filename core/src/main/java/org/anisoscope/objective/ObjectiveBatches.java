package org.anisoscope.objective;

import org.anisoscope.data.Batch;
import org.anisoscope.data.BatchSource;
import org.anisoscope.data.Masking;
import org.anisoscope.util.Seeds;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns plain next-token batches into what an objective trains on: BERT-masked batches for {@code masked-lm}
 * (masks a pure function of seed and step, so a resumed run masks the same positions; validation batches masked
 * with fixed seeds so their loss is comparable across steps), paired views for {@code contrastive}. The probe set
 * always stays clean, unmasked sequences.
 */
public final class ObjectiveBatches {
  private ObjectiveBatches() {
  }

  /** Masks every training and validation batch of {@code inner}. */
  public static BatchSource masked(BatchSource inner, Masking masking, long seed) {
    List<Batch> eval = new ArrayList<>();
    List<Batch> clean = inner.evalBatches();
    for (int i = 0; i < clean.size(); i++) {
      eval.add(masking.apply(clean.get(i), new SplittableRandom(Seeds.derive(seed, Seeds.MASKING, -1 - i))));
    }
    return new Decorated(inner, eval) {
      @Override
      public Batch train(long step) {
        return masking.apply(inner.train(step), new SplittableRandom(Seeds.derive(seed, Seeds.MASKING, step)));
      }
    };
  }

  /** Doubles every training and validation batch into two views of the same sequences (SimCSE). */
  public static BatchSource paired(BatchSource inner) {
    List<Batch> eval = new ArrayList<>();
    for (Batch b : inner.evalBatches()) {
      eval.add(Contrastive.pairedViews(b));
    }
    return new Decorated(inner, eval) {
      @Override
      public Batch train(long step) {
        return Contrastive.pairedViews(inner.train(step));
      }
    };
  }

  private abstract static class Decorated implements BatchSource {
    private final BatchSource inner;
    private final List<Batch> eval;

    Decorated(BatchSource inner, List<Batch> eval) {
      this.inner = inner;
      this.eval = List.copyOf(eval);
    }

    @Override
    public List<Batch> evalBatches() {
      return eval;
    }

    @Override
    public List<Batch> probeBatches(int sequences, int batchSize) {
      return inner.probeBatches(sequences, batchSize);
    }

    @Override
    public long trainPositions() {
      return inner.trainPositions();
    }

    @Override
    public int seq() {
      return inner.seq();
    }
  }
}
