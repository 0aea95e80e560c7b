package org.anisoscope.model;

import org.anisoscope.data.Batch;
import org.anisoscope.objective.CausalLm;
import org.anisoscope.objective.MaskedLm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.anisoscope.model.GradientCheck.check;
import static org.anisoscope.model.GradientCheck.project;
import static org.anisoscope.model.GradientCheck.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mechanism controls and interventions: the token mixer ({@code model.attention = mixer}), qk-norm and the
 * attention temperature, each checked by finite differences in double precision (layer alone, causal and
 * bidirectional, and inside a whole model), plus their defining properties.
 */
class MechanismGradientTest {
  private static final int ALL = Integer.MAX_VALUE;

  @BeforeAll
  static void doublePrecision() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
  }

  private static void randomise(ParamStore s, long seed) {
    s.values().assign(random(seed, s.values().shape()).muli(0.5));
  }

  @ParameterizedTest(name = "causal {0}")
  @ValueSource(booleans = {true, false})
  void tokenMixerMatchesFiniteDifferences(boolean causal) {
    ParamStore s = new ParamStore(DataType.DOUBLE);
    TokenMixer mixer = new TokenMixer(s, "mixer", 6, 2, 5, causal, 0.5, 0.5);
    s.allocate(1);
    randomise(s, 2);
    int batch = 2;
    int seq = 4;  // shorter than the context 5: the top-left corner of each mixing matrix is used
    INDArray x = random(3, batch * seq, 6);
    INDArray r = random(4, batch * seq, 6);
    s.zeroGrads();
    mixer.forward(x, batch, seq, true);
    INDArray dx = mixer.backward(x, r, batch, seq).dup();
    check("dx", x, dx, () -> project(mixer.forward(x, batch, seq, false), r), ALL);
    check("dparams", s.values(), s.grads(), () -> project(mixer.forward(x, batch, seq, false), r), ALL);
  }

  @Test
  void causalTokenMixerNeverLooksAheadAndBidirectionalDoes() {
    for (boolean causal : new boolean[] {true, false}) {
      ParamStore s = new ParamStore(DataType.DOUBLE);
      TokenMixer mixer = new TokenMixer(s, "mixer", 4, 2, 5, causal, 0.5, 0.5);
      s.allocate(1);
      INDArray x = random(3, 5, 4);
      INDArray before = mixer.forward(x, 1, 5, false).dup();
      x.putRow(4, random(9, 1, 4));  // change only the last position
      INDArray after = mixer.forward(x, 1, 5, false);
      double change = before.getRow(0).sub(after.getRow(0)).norm2Number().doubleValue();
      if (causal) {
        for (int t = 0; t < 4; t++) {
          assertEquals(0.0, before.getRow(t).sub(after.getRow(t)).norm2Number().doubleValue(), 1e-12, "pos " + t);
        }
      } else {
        assertTrue(change > 1e-6, "bidirectional: position 0 sees position 4, change " + change);
      }
    }
  }

  /** The mixer's parameters: value and output projections with biases (2C² + 2C) and H matrices of T × T. */
  @Test
  void tokenMixerHasTheStatedParameterCount() {
    ParamStore s = new ParamStore(DataType.DOUBLE);
    new TokenMixer(s, "mixer", 8, 2, 5, true, 0.02, 0.02);
    s.allocate(1);
    assertEquals(2 * 64 + 2 * 8 + 2 * 25, s.values().length());
  }

  private static void checkAttention(boolean causal, boolean qkNorm, double temperature) {
    ParamStore s = new ParamStore(DataType.DOUBLE);
    int batch = 2;
    int seq = 4;
    SelfAttention attn = new SelfAttention(s, "attn", 6, 2, causal, 0.0, 0.5, 0.5, qkNorm, temperature);
    s.allocate(1);
    randomise(s, 2);
    INDArray x = random(3, batch * seq, 6);
    INDArray r = random(4, batch * seq, 6);
    s.zeroGrads();
    attn.forward(x, batch, seq, true);
    INDArray dx = attn.backward(x, r, batch, seq).dup();
    check("dx", x, dx, () -> project(attn.forward(x, batch, seq, false), r), ALL);
    check("dparams", s.values(), s.grads(), () -> project(attn.forward(x, batch, seq, false), r), ALL);
  }

  @ParameterizedTest(name = "causal {0}")
  @ValueSource(booleans = {true, false})
  void qkNormAttentionMatchesFiniteDifferences(boolean causal) {
    checkAttention(causal, true, 1.0);
  }

  @ParameterizedTest(name = "causal {0}")
  @ValueSource(booleans = {true, false})
  void temperedAttentionMatchesFiniteDifferences(boolean causal) {
    checkAttention(causal, false, 2.5);
  }

  @Test
  void qkNormWithTemperatureMatchesFiniteDifferences() {
    checkAttention(true, true, 0.3);
  }

  /** hook_k vectors have unit norm per head; hook_q vectors have norm √d_head · s_h (s_h = 1 at init). */
  @Test
  void qkNormHooksAreTheNormalisedVectors() {
    ParamStore s = new ParamStore(DataType.DOUBLE);
    SelfAttention attn = new SelfAttention(s, "attn", 8, 2, true, 0.0, 0.5, 0.5, true, 1.0);
    s.allocate(1);
    INDArray x = random(3, 2 * 5, 8).muli(7);
    attn.forward(x, 2, 5, false);
    INDArray qNorms = attn.q(2, 5).norm2(3);  // [B, H, T]
    INDArray kNorms = attn.k(2, 5).norm2(3);
    assertEquals(0.0, kNorms.sub(1.0).amaxNumber().doubleValue(), 1e-12, "‖k̂‖ = 1");
    assertEquals(0.0, qNorms.sub(Math.sqrt(4)).amaxNumber().doubleValue(), 1e-12, "‖q̃‖ = √d_head");
  }

  /** Closed form: temperature τ on the logits is the same as scaling q by τ, i.e. P ∝ exp(τ·q·k/√d). */
  @Test
  void temperatureSharpensThePatternAsScaledQueriesWould() {
    ParamStore s = new ParamStore(DataType.DOUBLE);
    SelfAttention attn = new SelfAttention(s, "attn", 4, 1, false, 0.0, 0.5, 0.5, false, 1.0);
    s.allocate(1);
    INDArray x = random(3, 3, 4);
    attn.forward(x, 1, 3, false);
    INDArray q = attn.q(1, 3).reshape(3, 4);
    INDArray k = attn.k(1, 3).reshape(3, 4);
    double tau = 3.0;
    attn.setTemperature(tau);
    attn.forward(x, 1, 3, false);
    INDArray p = attn.pattern(1, 3).reshape(3, 3);
    INDArray logits = q.mmul(k.transpose()).muli(tau / 2.0);   // √d_head = 2
    for (int i = 0; i < 3; i++) {
      double z = 0;
      for (int j = 0; j < 3; j++) {
        z += Math.exp(logits.getDouble(i, j));
      }
      for (int j = 0; j < 3; j++) {
        assertEquals(Math.exp(logits.getDouble(i, j)) / z, p.getDouble(i, j), 1e-12, "P[" + i + "," + j + "]");
      }
    }
  }

  private static void checkModel(ModelConfig cfg) {
    org.anisoscope.train.Network m = cfg.causal() ? org.anisoscope.train.Network.ofTokens(cfg, CausalLm::new, 7)
        : org.anisoscope.train.Network.ofTokens(cfg, MaskedLm::new, 7);
    m.params().values().addi(random(3, m.params().values().shape()).muli(0.3));
    int[] tokens = {1, 2, 3, 1, 1, 4, 0, 2, 2, 2, 5, 6};
    int[] targets = {2, 3, 1, 1, 4, 0, 2, 2, 2, 5, 6, 3};
    Batch b = new Batch(3, 4, tokens, targets);
    m.forwardBackward(b);
    check("model", m.params().values(), m.params().grads(), () -> m.forward(b, false).loss(), 400);
  }

  @Test
  void causalMixerModelMatchesFiniteDifferences() {
    checkModel(ModelConfig.tiny(7, 4, true, DataType.DOUBLE).withAttention(ModelConfig.Attention.MIXER));
  }

  @Test
  void qkNormModelMatchesFiniteDifferences() {
    checkModel(ModelConfig.tiny(7, 4, true, DataType.DOUBLE).withInterventions(true, 1.5));
  }

  /**
   * The hooks a model fills are exactly those the probe's {@code HookSelector.available} lists for it (the vector
   * hooks; W_E/W_U aside): what {@link ModelConfig.Attention#hooks()} declares is what the block provides.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"SOFTMAX", "NONE", "MIXER"})
  void modelFillsExactlyTheHooksItDeclares(String kind) {
    ModelConfig cfg = ModelConfig.tiny(7, 4, true, DataType.DOUBLE).withAttention(ModelConfig.Attention.valueOf(kind));
    org.anisoscope.train.Network m = org.anisoscope.train.Network.ofTokens(cfg, CausalLm::new, 1);
    m.hidden(new Batch(1, 4, new int[] {1, 2, 3, 4}, new int[] {2, 3, 4, 5}));
    Map<String, INDArray> hooks = m.hooks(1, 4);
    List<String> declared = org.anisoscope.probe.HookSelector.available(cfg.layers(), cfg.attention()).stream().filter(h -> !h.equals(Hooks.W_E) && !h.equals(Hooks.W_U))
        .toList();
    assertEquals(declared, List.copyOf(hooks.keySet()));
    assertEquals(cfg.attention().hasQueryKey(), hooks.containsKey(Hooks.q(0)));
    assertFalse(kind.equals("MIXER") && hooks.keySet().stream().anyMatch(h -> h.contains(".attn.")));
  }

  /** qk-norm keeps the logits bounded by the gain: scaling the input by 100 leaves the pattern unchanged. */
  @Test
  void qkNormPatternIsInvariantToTheScaleOfTheInput() {
    ParamStore s = new ParamStore(DataType.DOUBLE);
    SelfAttention attn = new SelfAttention(s, "attn", 4, 1, true, 0.0, 0.5, 0.5, true, 1.0);
    s.allocate(1);
    s.values().assign(random(5, s.values().shape()).muli(0.5));
    for (Param p : s.params()) {
      if (p.name().endsWith(".b")) {
        p.value().assign(0.0);  // no biases: q and k are then linear in x, and only their norms change
      }
    }
    INDArray x = random(3, 4, 4);
    INDArray p1 = attn.forward(x, 1, 4, false).dup();
    INDArray pat1 = attn.pattern(1, 4).dup();
    attn.forward(x.mul(100), 1, 4, false);
    assertEquals(0.0, pat1.sub(attn.pattern(1, 4)).amaxNumber().doubleValue(), 1e-12);
    assertNotEquals(0.0, p1.amaxNumber().doubleValue());
  }
}
