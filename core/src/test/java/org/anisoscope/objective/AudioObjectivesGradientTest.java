package org.anisoscope.objective;

import org.anisoscope.data.Batch;
import org.anisoscope.model.GradientCheck;
import org.anisoscope.model.ModelConfig;
import org.anisoscope.model.PatchEmbedding;
import org.anisoscope.model.Param;
import org.anisoscope.train.Network;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Random;

import static org.anisoscope.model.GradientCheck.check;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The audio path end to end in double precision, on a padded batch: the frame frontend ({@link PatchEmbedding}
 * over frame rows, with its mask embedding) → a bidirectional Transformer whose attention ignores padded keys →
 * each audio objective; every parameter's gradient against finite differences, and padded frames change nothing.
 */
class AudioObjectivesGradientTest {
  private static final int F = 6;  // values per frame (a tiny "window")
  private static final int T = 5;
  // sequence 0: 5 real frames; sequence 1: 3 real frames, then 2 padded
  private static final boolean[] PADDING = {false, false, false, false, false, false, false, false, true, true};
  private static final boolean[] MASKED = {false, true, true, false, true, true, false, true, false, false};

  @BeforeAll
  static void doublePrecision() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
  }

  private static Batch.Rows rows(int n, int width, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n * width];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return new Batch.Rows(v, width);
  }

  private static Network network(ObjectiveFactory objective) {
    Network m = new Network(ModelConfig.tiny(0, T, false, DataType.DOUBLE), PatchEmbedding.factory(F, false),
        objective, 5);
    m.params().values().addi(GradientCheck.random(3, m.params().values().shape()).muli(0.3));
    return m;
  }

  private static Batch batch(int[] targets, Batch.Rows valueTargets) {
    return new Batch(2, T, null, targets, rows(2 * T, F, 1), null, PADDING, MASKED, valueTargets);
  }

  /** Padded input rows replaced by garbage: loss unchanged. */
  private static void paddingIsInert(Network m, Batch b) {
    double before = m.forward(b, false).loss();
    float[] v = b.inputs().values().clone();
    for (int i = 8 * F; i < 10 * F; i++) {
      v[i] = 1e3f;
    }
    Batch garbage = new Batch(2, T, null, b.targets(), new Batch.Rows(v, F), null, PADDING, MASKED,
        b.valueTargets());
    assertEquals(before, m.forward(garbage, false).loss(), 1e-12);
  }

  @Test
  void maskedRegressionOnLogMelTargetsMatchesFiniteDifferences() {
    Network m = network(MaskedRegression.factory(4));
    Batch b = batch(null, rows(2 * T, 4, 2));
    m.forwardBackward(b);
    check("network", m.params().values(), m.params().grads(), () -> m.forward(b, false).loss(), 150);
    paddingIsInert(m, b);
  }

  @Test
  void maskedClusterMatchesFiniteDifferences() {
    Network m = network(MaskedCluster.factory(3));
    int i = Batch.IGNORE;
    Batch b = batch(new int[] {i, 2, 0, i, 1, 1, i, 0, i, i}, null);
    m.forwardBackward(b);
    check("network", m.params().values(), m.params().grads(), () -> m.forward(b, false).loss(), 150);
    paddingIsInert(m, b);
  }

  /**
   * The contrastive targets are the frontend's projection with the gradient stopped: finite differences of the
   * loss with the targets held at their current values (what stop-gradient means) match the analytic gradient
   * of every parameter, the frontend's projection included (which still learns through its input role).
   */
  @Test
  void contrastiveMatchesFiniteDifferencesWithTargetsHeldFixed() {
    Network m = network(Wav2VecContrastive.factory(2, 0.5));
    Wav2VecContrastive w = (Wav2VecContrastive) m.objective();
    Batch b = batch(null, null);
    m.forwardBackward(b);
    INDArray fixed = w.targets(b).dup();
    check("network", m.params().values(), m.params().grads(),
        () -> w.forward(m.model().forward(b, false), b.masked(), fixed, 2, T).loss(), 150);
    paddingIsInert(m, b);
    // and the targets really are the projection x W of the unmasked inputs (no bias, no position row), each
    // sequence centred on the mean over its real frames (sequence 1: its first 3 rows; padded rows shifted too)
    Param pw = m.params().get("patch.W");
    INDArray x = Nd4j.createFromArray(b.inputs().values()).reshape(2 * T, F).castTo(DataType.DOUBLE);
    INDArray want = x.mmul(pw.value());                                   // [2T, C]
    INDArray mean0 = want.get(NDArrayIndex.interval(0, T), NDArrayIndex.all()).mean(0);
    INDArray mean1 = want.get(NDArrayIndex.interval(T, T + 3), NDArrayIndex.all()).mean(0);
    want.get(NDArrayIndex.interval(0, T), NDArrayIndex.all()).subiRowVector(mean0);
    want.get(NDArrayIndex.interval(T, 2 * T), NDArrayIndex.all()).subiRowVector(mean1);
    assertEquals(0, want.sub(fixed).norm2Number().doubleValue(), 1e-12);
  }
}
