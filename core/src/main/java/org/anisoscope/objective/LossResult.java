package org.anisoscope.objective;

import java.util.Map;

/**
 * What an objective returns for one batch: the loss it minimises and the scalars it wants logged (fairseq's
 * logging outputs), keyed by the CSV column name. {@code weight} is the number of positions the loss averages
 * over, for combining batches.
 */
public record LossResult(double loss, double weight, Map<String, Double> scalars) {
  public LossResult {
    scalars = Map.copyOf(scalars);
  }
}
