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

  /**
   * The generic labels of a supervised modality: every position gets its sequence's class ({@link Batch#labels()},
   * named {@code class 0} … {@code class K-1}); empty unless every batch carries labels. A modality with class
   * names supplies its own through {@link org.anisoscope.data.BatchSource#probeLabels()}.
   */
  static java.util.Optional<ProbeLabels> sequenceClasses(List<Batch> batches) {
    int max = -1;
    for (Batch b : batches) {
      if (b.labels() == null) {
        return java.util.Optional.empty();
      }
      for (int l : b.labels()) {
        max = Math.max(max, l);
      }
    }
    if (batches.isEmpty() || max < 0) {
      return java.util.Optional.empty();
    }
    List<String> names = new java.util.ArrayList<>();
    for (int c = 0; c <= max; c++) {
      names.add("class " + c);
    }
    return java.util.Optional.of(new ProbeLabels() {
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
        return List.copyOf(names);
      }

      @Override
      public int[] labels(Batch batch) {
        int[] out = new int[batch.positions()];
        for (int i = 0; i < out.length; i++) {
          int l = batch.labels() == null ? -1 : batch.labels()[i / batch.seq()];
          out[i] = l >= 0 && l < names.size() ? l : -1;
        }
        return out;
      }
    });
  }
}
