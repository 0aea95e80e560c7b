package org.anisoscope.probe;

import org.anisoscope.data.Batch;

import java.util.List;

/**
 * A label for every position of the probe set, used only to colour the cone plot of the report (a per-vector
 * label file beside the cone vectors, see {@link ConeVectors}). Text runs use the training-frequency group of the
 * input token ({@link TokenGroups#asLabels()}); another modality supplies its own (the class of each image, say)
 * through {@link org.anisoscope.data.BatchSource#probeLabels()}. A run without labels draws an uncoloured cone.
 */
public interface ProbeLabels {
  /** What the labels are, for the plot's legend title: e.g. {@code token-frequency quintile}, {@code class}. */
  String kind();

  /** True when the labels have an order (frequency groups: a sequential palette), false for classes. */
  boolean ordered();

  /** The display name of each label id (id = index). */
  List<String> names();

  /** The label id of each position of {@code batch}, {@code [size·seq]} row-major; -1 = no label. */
  int[] labels(Batch batch);
}
