package org.anisoscope.control;

import org.anisoscope.image.ImageData;
import org.anisoscope.image.ImageSet;
import org.anisoscope.util.Seeds;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The image modality's data for a DL4J control, with the ViT runs' split and draws: training batch k holds the
 * images {@code ImageBatches} draws for step k (same seed stream), validation batches the first
 * {@code eval-batches × batch-size} validation images in order, the probe set the first {@code probe.sequences}
 * validation images; pixels standardised with the training set's mean and standard deviation. Features are
 * flat {@code [B, H·W]} rows (DL4J's {@code convolutionalFlat} input), labels one-hot {@code [B, classes]}.
 */
public final class ImageControlData implements ControlData {
  private final ImageData data;
  private final ImageSet train;
  private final ImageSet val;
  private final int batchSize;
  private final int evalBatches;
  private final long seed;
  private final int classes;
  private final float mean;
  private final float std;

  public ImageControlData(ImageData data, int batchSize, int evalBatches, long seed) {
    this.data = data;
    this.train = data.trainSet();
    this.val = data.valSet();
    this.batchSize = batchSize;
    this.evalBatches = evalBatches;
    this.seed = seed;
    this.classes = Math.max(train.classes(), val.classes());
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

  public int classes() {
    return classes;
  }

  public int height() {
    return train.height();
  }

  public int width() {
    return train.width();
  }

  @Override
  public DataSet train(long step) {
    SplittableRandom r = new SplittableRandom(Seeds.derive(seed, Seeds.TRAIN_BATCHES, step));
    int[] idx = new int[batchSize];
    for (int b = 0; b < batchSize; b++) {
      idx[b] = r.nextInt(train.count());
    }
    return dataSet(train, idx);
  }

  @Override
  public List<DataSet> eval() {
    List<DataSet> out = new ArrayList<>();
    int total = Math.min(val.count(), evalBatches * batchSize);
    for (int from = 0; from < total; from += batchSize) {
      out.add(dataSet(val, range(from, Math.min(total, from + batchSize))));
    }
    return out;
  }

  @Override
  public INDArray probeInputs(int n) {
    return features(val, range(0, Math.min(n, val.count())));
  }

  private DataSet dataSet(ImageSet set, int[] idx) {
    float[] labels = new float[idx.length * classes];
    for (int i = 0; i < idx.length; i++) {
      labels[i * classes + set.labels()[idx[i]]] = 1f;
    }
    return new DataSet(features(set, idx), Nd4j.create(labels, new long[] {idx.length, classes}));
  }

  private INDArray features(ImageSet set, int[] idx) {
    int hw = set.height() * set.width();
    float[] f = new float[idx.length * hw];
    for (int i = 0; i < idx.length; i++) {
      int base = idx[i] * hw;
      for (int j = 0; j < hw; j++) {
        f[i * hw + j] = ((set.pixels()[base + j] & 0xFF) / 255f - mean) / std;
      }
    }
    return Nd4j.create(f, new long[] {idx.length, hw});
  }

  private static int[] range(int from, int to) {
    int[] r = new int[to - from];
    for (int i = 0; i < r.length; i++) {
      r[i] = from + i;
    }
    return r;
  }

  @Override
  public long trainExamples() {
    return train.count();
  }

  @Override
  public Map<String, Object> provenance() {
    return data.provenance();
  }

  @Override
  public Map<String, Path> dataFiles() {
    return data.dataFiles();
  }
}
