package org.anisoscope.objective;

import org.anisoscope.data.Batch;
import org.anisoscope.model.GradientCheck;
import org.anisoscope.model.Hooks;
import org.anisoscope.train.Network;
import org.anisoscope.model.ModelConfig;
import org.anisoscope.model.ParamStore;
import org.anisoscope.testing.DoublePrecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.anisoscope.model.GradientCheck.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SimCSE's symmetric InfoNCE: a hand computation, finite differences alone and through the model, the contract. */
@ExtendWith(DoublePrecision.class)
class ContrastiveTest {
  private static final int ALL = Integer.MAX_VALUE;

  private static Contrastive objective(double temperature) {
    ParamStore s = new ParamStore(DataType.DOUBLE);
    return new Contrastive(s, ModelConfig.tiny(5, 4, false, DataType.DOUBLE), null, temperature);
  }

  private static double cos(double[] a, double[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int k = 0; k < a.length; k++) {
      dot += a[k] * b[k];
      na += a[k] * a[k];
      nb += b[k] * b[k];
    }
    return dot / Math.sqrt(na * nb);
  }

  /** Mean over j of −log softmax(z_j)[j]: cross-entropy with the diagonal as the positives. */
  private static double diagonalCrossEntropy(double[][] z) {
    double total = 0;
    for (int i = 0; i < z.length; i++) {
      double sum = 0;
      for (double v : z[i]) {
        sum += Math.exp(v);
      }
      total += Math.log(sum) - z[i][i];
    }
    return total / z.length;
  }

  /**
   * Three pairs in C = 3, T = 2: view 1 a = (1,0,0), (0,2,0), (1,1,1); view 2 b = (2,1,0), (0,1,1), (1,0,2).
   * Each sequence's two positions are e ± d, so mean pooling must give back e. τ = 0.1. The cosine matrix
   * cos(a_i, b_j) ≈ [[.894, 0, .447], [.447, .707, 0], [.775, .816, .775]]: rows retrieve 0, 1, 1 and columns
   * retrieve 0, 2, 2, so the top-1 accuracy is 2/3 in both directions; the loss is ≈ ½(0.4475 + 0.5643).
   */
  @Test
  void lossEqualsHandComputedInfoNceOnThreePairs() {
    double[][] e = {{1, 0, 0}, {0, 2, 0}, {1, 1, 1}, {2, 1, 0}, {0, 1, 1}, {1, 0, 2}};
    double[][] d = {{0.3, -1, 2}, {5, 0.1, 0}, {-1, -1, 0.5}, {0, 0, 1}, {2, 2, -3}, {0.25, 0.5, 0.75}};
    double[][] rows = new double[12][];
    for (int b = 0; b < 6; b++) {
      rows[2 * b] = new double[3];
      rows[2 * b + 1] = new double[3];
      for (int k = 0; k < 3; k++) {
        rows[2 * b][k] = e[b][k] + d[b][k];
        rows[2 * b + 1][k] = e[b][k] - d[b][k];
      }
    }
    double tau = 0.1;
    double[][] a12 = new double[3][3];
    double[][] a21 = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        a12[i][j] = cos(e[i], e[3 + j]) / tau;
        a21[j][i] = a12[i][j];
      }
    }
    double expected = 0.5 * (diagonalCrossEntropy(a12) + diagonalCrossEntropy(a21));
    assertEquals(0.5 * (0.44752721878985824 + 0.56432148466599), expected, 1e-12); // NumPy, same formula

    LossResult r = objective(tau).forward(Nd4j.createFromArray(rows), new Batch(6, 2, null, null));
    assertEquals(expected, r.loss(), 1e-12);
    assertEquals(2.0 / 3.0, r.scalars().get(Contrastive.RETRIEVAL_ACC), 1e-15);
    assertEquals(6.0, r.weight());
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    Contrastive c = objective(Contrastive.DEFAULT_TEMPERATURE);
    INDArray h = GradientCheck.random(5, 8 * 3, 4);   // n = 4 pairs, T = 3, C = 4
    Batch b = new Batch(8, 3, null, null);
    c.forward(h, b);
    INDArray dh = c.backward(h, b).dup();
    check("dh", h, dh, () -> c.forward(h, b).loss(), ALL);
  }

  @Test
  void gradientMatchesFiniteDifferencesAtAWarmTemperature() {
    Contrastive c = objective(1.0);
    INDArray h = GradientCheck.random(6, 4 * 2, 5).addi(0.7);  // a common offset: the anisotropic regime
    Batch b = new Batch(4, 2, null, null);
    c.forward(h, b);
    INDArray dh = c.backward(h, b).dup();
    check("dh", h, dh, () -> c.forward(h, b).loss(), ALL);
  }

  @Test
  void lossIsInvariantToEachSequenceScale() {
    Contrastive c = objective(0.05);
    INDArray h = GradientCheck.random(7, 4 * 2, 3);
    Batch b = new Batch(4, 2, null, null);
    double before = c.forward(h, b).loss();
    INDArray scaled = h.dup();
    scaled.getRow(2).muli(3.0);
    scaled.getRow(3).muli(3.0);  // rows 2, 3 are sequence 1
    assertEquals(before, c.forward(scaled, b).loss(), 1e-12);
  }

  /** A seeded sample of entries (the full model is checked with masked-lm; 2 shared cores). */
  @Test
  void encoderModelMatchesFiniteDifferences() {
    Network m = Network.ofTokens(ModelConfig.tiny(7, 4, false, DataType.DOUBLE), Contrastive::new, 7);
    m.params().values().addi(GradientCheck.random(3, m.params().values().shape()).muli(0.3));
    Batch b = new Batch(4, 3, new int[] {1, 2, 3, 1, 1, 4, 0, 2, 2, 5, 6, 3}, null);  // two pairs of unlike rows
    m.forwardBackward(b);
    check("model", m.params().values(), m.params().grads(), () -> m.forward(b, false).loss(), 400);
  }

  @Test
  void trainsAFloatModelStepWithFiniteGradients() {
    Network m = Network.ofTokens(ModelConfig.tiny(7, 4, false, DataType.FLOAT).withDropout(0.1), Contrastive::new, 1);
    Batch b = Contrastive.pairedViews(new Batch(3, 4, new int[] {1, 2, 3, 4, 5, 6, 0, 1, 2, 2, 2, 3}, null));
    LossResult r = m.forwardBackward(b);
    assertTrue(Double.isFinite(r.loss()) && r.loss() > 0, "loss " + r.loss());
    double norm = m.params().grads().norm2Number().doubleValue();
    assertTrue(Double.isFinite(norm) && norm > 0, "grad norm " + norm);
  }

  /** The contract's premise: one training-mode pass of a paired batch gives the two views different dropout. */
  @Test
  void oneTrainingPassGivesThePairedRowsDifferentDropout() {
    Network m = Network.ofTokens(ModelConfig.tiny(7, 4, false, DataType.DOUBLE).withDropout(0.1), Contrastive::new, 7);
    Batch b = Contrastive.pairedViews(new Batch(2, 4, new int[] {1, 2, 3, 4, 5, 6, 0, 1}, null));
    Nd4j.getRandom().setSeed(11);
    m.forward(b, true);
    INDArray hidden = m.hooks(4, 4).get(Hooks.LN_FINAL);  // [4·4, C]
    double diff = hidden.getRow(0).sub(hidden.getRow(8)).norm2Number().doubleValue();  // seq 0, view 1 vs 2
    assertTrue(diff > 1e-6, "views identical: " + diff);
    m.forward(b, false);
    hidden = m.hooks(4, 4).get(Hooks.LN_FINAL);
    assertEquals(0.0, hidden.getRow(0).sub(hidden.getRow(8)).norm2Number().doubleValue(), 1e-12);
  }

  @Test
  void pairedViewsRepeatsTheBatchBelowItself() {
    Batch b = Contrastive.pairedViews(new Batch(2, 2, new int[] {1, 2, 3, 4}, new int[] {0, 0, 0, 0}));
    assertEquals(4, b.size());
    assertEquals(2, b.seq());
    assertArrayEquals(new int[] {1, 2, 3, 4, 1, 2, 3, 4}, b.tokens());
    assertEquals(null, b.targets());
  }

  @Test
  void refusesBatchesThatAreNotTwoViewsOfAtLeastTwoPairs() {
    Contrastive c = objective(0.05);
    assertThrows(IllegalArgumentException.class, () -> c.forward(GradientCheck.random(1, 3, 4),
        new Batch(3, 1, null, null)));
    assertThrows(IllegalArgumentException.class, () -> c.forward(GradientCheck.random(1, 2, 4),
        new Batch(2, 1, null, null)));
    assertThrows(IllegalArgumentException.class, () -> objective(0.0));
  }

  @Test
  void isRegisteredByNameWithItsScalar() {
    assertTrue(Objectives.registry().contains(Contrastive.NAME));
    assertEquals(java.util.List.of(Contrastive.RETRIEVAL_ACC), objective(0.05).scalarNames());
  }
}
