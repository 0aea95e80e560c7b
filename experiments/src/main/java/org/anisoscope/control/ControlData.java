package org.anisoscope.control;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a DL4J control trains on: batches as DL4J {@link DataSet}s (features in the network's input layout, labels
 * one-hot), every one a pure function of its index and the run seed, as {@code BatchSource}'s.
 */
public interface ControlData {
  /** Training batch number {@code step}. */
  DataSet train(long step);

  /** The fixed validation batches. */
  List<DataSet> eval();

  /** The fixed probe inputs: the first {@code n} validation examples, in the network's input layout. */
  INDArray probeInputs(int n);

  /** Training examples in one pass over the training split. */
  long trainExamples();

  /** Facts for provenance.json. */
  Map<String, Object> provenance();

  /** Local data files for provenance.json (with their SHA-256), by role. */
  Map<String, Path> dataFiles();
}
