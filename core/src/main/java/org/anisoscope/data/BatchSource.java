package org.anisoscope.data;

import java.util.List;

/**
 * Where batches come from. Every batch is a pure function of its index and the run seed (no hidden cursor), so
 * a resumed run sees exactly the batches an uninterrupted one would.
 */
public interface BatchSource {
  /** Training batch number {@code step} (0-based). */
  Batch train(long step);

  /** The fixed validation batches, the same at every evaluation. */
  List<Batch> evalBatches();

  /**
   * The fixed held-out probe set: {@code sequences} sequences in batches of at most {@code batchSize}; the same
   * every time it is asked for.
   */
  List<Batch> probeBatches(int sequences, int batchSize);

  /**
   * Labels of the probe positions for the report's cone plot (e.g. the class of each image), if this source has
   * any; text runs need none (their token-frequency groups are used).
   */
  default java.util.Optional<org.anisoscope.probe.ProbeLabels> probeLabels() {
    return java.util.Optional.empty();
  }

  /** Number of training positions (tokens) in one pass over the training split. */
  long trainPositions();

  /** Sequence length of every batch. */
  int seq();
}
