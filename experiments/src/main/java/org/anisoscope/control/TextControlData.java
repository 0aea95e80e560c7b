package org.anisoscope.control;

import com.google.common.base.Preconditions;
import org.anisoscope.data.Batch;
import org.anisoscope.data.TokenWindows;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The text modality's next-token windows for a DL4J recurrent control, with the Transformer runs' split and draws:
 * training batch k is {@link TokenWindows#train}(k) (same seed stream, so the same windows a {@code char-lm} run
 * trains on at step k), validation batches {@link TokenWindows#evalBatches}, the probe set
 * {@link TokenWindows#probeBatches} (evenly spaced validation windows). Features and labels are one-hot in DL4J's
 * recurrent layout {@code [B, vocab, T]} (NCW): the input token and the next token at every time step.
 */
public final class TextControlData implements ControlData {
  private final TokenWindows windows;
  private final int vocab;
  private final Map<String, Object> provenance;
  private final Map<String, Path> files;

  public TextControlData(TokenWindows windows, int vocab, Map<String, Object> provenance, Map<String, Path> files) {
    Preconditions.checkArgument(vocab >= 2, "vocabulary of %s tokens", vocab);
    this.windows = windows;
    this.vocab = vocab;
    this.provenance = provenance;
    this.files = files;
  }

  public int vocab() {
    return vocab;
  }

  @Override
  public DataSet train(long step) {
    return dataSet(windows.train(step));
  }

  @Override
  public List<DataSet> eval() {
    List<DataSet> out = new ArrayList<>();
    for (Batch b : windows.evalBatches()) {
      out.add(dataSet(b));
    }
    return out;
  }

  @Override
  public INDArray probeInputs(int n) {
    List<Batch> batches = windows.probeBatches(n, n);   // one batch of the n evenly spaced windows
    return oneHot(batches.get(0).tokens(), batches.get(0).size(), batches.get(0).seq());
  }

  private DataSet dataSet(Batch b) {
    return new DataSet(oneHot(b.tokens(), b.size(), b.seq()), oneHot(b.targets(), b.size(), b.seq()));
  }

  /** Token ids {@code [B·T]} (row-major) as one-hot {@code [B, vocab, T]}. */
  INDArray oneHot(int[] ids, int size, int seq) {
    float[] f = new float[size * vocab * seq];
    for (int b = 0; b < size; b++) {
      for (int t = 0; t < seq; t++) {
        int id = ids[b * seq + t];
        Preconditions.checkArgument(id >= 0 && id < vocab, "token id %s outside the vocabulary [0, %s)", id, vocab);
        f[(b * vocab + id) * seq + t] = 1f;   // [B, V, T] row-major
      }
    }
    return Nd4j.create(f, new long[] {size, vocab, seq}, 'c');
  }

  @Override
  public long trainExamples() {
    return windows.trainPositions() / windows.seq();   // non-overlapping windows in one pass
  }

  @Override
  public Map<String, Object> provenance() {
    return provenance;
  }

  @Override
  public Map<String, Path> dataFiles() {
    return files;
  }
}
