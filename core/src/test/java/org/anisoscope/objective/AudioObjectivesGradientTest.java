package org.anisoscope.objective;

import org.anisoscope.data.Batch;
import org.anisoscope.model.GradientCheck;
import org.anisoscope.model.ConvPositionEmbedding;
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
 * The frontend includes the convolutional position embedding ({@link ConvPositionEmbedding}), checked on its own
 * parameters entry by entry.
 */
class AudioObjectivesGradientTest {
  private static final int F = 6;  // values per frame (a tiny "window")
  private static final int T = 5;
  private static final int CONV = 3; // position-convolution taps
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
    return network(objective, CONV);
  }

  /** The audio frontend: frame projection, then (kernel > 0) the convolutional position embedding. */
  private static Network network(ObjectiveFactory objective, int kernel) {
    Network m = new Network(ModelConfig.tiny(0, T, false, DataType.DOUBLE),
        ConvPositionEmbedding.factory(PatchEmbedding.factory(F, false), kernel), objective, 5);
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

  /** Every entry of the position convolution's kernel and bias, and of the frame projection, on a padded batch. */
  @Test
  void positionConvolutionMatchesFiniteDifferences() {
    Network m = network(MaskedRegression.factory(4));
    Batch b = batch(null, rows(2 * T, 4, 2));
    m.forwardBackward(b);
    for (String name : new String[] {"pos_conv.W", "pos_conv.b", "patch.W", "patch.mask_emb"}) {
      Param p = m.params().get(name);
      check(name, p.value(), p.grad(), () -> m.forward(b, false).loss(), Integer.MAX_VALUE);
    }
  }

  /**
   * With K = 3 taps, an embedding row depends on its own and its two neighbours' inputs in the same sequence and
   * on nothing else (not the other sequence, not a padded row); without the convolution, on its own input only.
   */
  @Test
  void positionConvolutionReachesExactlyTheNeighbours() {
    for (int kernel : new int[] {0, CONV}) {
      Network m = network(MaskedRegression.factory(4), kernel);
      Batch b = batch(null, rows(2 * T, 4, 2)).withMasked(new boolean[2 * T], rows(2 * T, 4, 2));
      INDArray before = m.model().forward(b, false).dup();
      INDArray embBefore = m.model().hooks(2, T).get("hook_embed").dup();
      float[] v = b.inputs().values().clone();
      for (int j = 0; j < F; j++) {
        v[2 * F + j] += 1;                                      // row 2 of sequence 0
      }
      Batch moved = new Batch(2, T, null, null, new Batch.Rows(v, F), null, PADDING, b.masked(), b.valueTargets());
      m.model().forward(moved, false);
      INDArray emb = m.model().hooks(2, T).get("hook_embed");
      for (int r = 0; r < 2 * T; r++) {
        boolean reached = r == 2 || kernel > 0 && (r == 1 || r == 3);
        double diff = emb.getRow(r).sub(embBefore.getRow(r)).norm2Number().doubleValue();
        assertEquals(reached, diff > 1e-9, "kernel " + kernel + ", row " + r + ": change " + diff);
      }
      assertEquals(before.shape()[0], 2 * T);
    }
  }

  @Test
  void geluIsTheTanhApproximation() {
    assertEquals(0, ConvPositionEmbedding.gelu(0), 0);
    assertEquals(3, ConvPositionEmbedding.gelu(3), 0.01);     // ≈ x for large x
    assertEquals(0, ConvPositionEmbedding.gelu(-6), 1e-6);    // ≈ 0 for very negative x
    double x = 0.7;
    double numeric = (ConvPositionEmbedding.gelu(x + 1e-6) - ConvPositionEmbedding.gelu(x - 1e-6)) / 2e-6;
    assertEquals(numeric, ConvPositionEmbedding.geluGrad(x), 1e-8);
  }
}
