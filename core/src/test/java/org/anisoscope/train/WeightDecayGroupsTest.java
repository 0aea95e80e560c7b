package org.anisoscope.train;

import org.anisoscope.config.Settings;
import org.anisoscope.config.SettingsException;
import org.anisoscope.model.ModelConfig;
import org.anisoscope.model.Param;
import org.anisoscope.objective.CausalLm;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AdamW's parameter groups follow nanoGPT (every matrix decays, the embeddings included) unless
 * {@code train.decay-embeddings = false}; LayerNorm gains and biases never decay.
 */
class WeightDecayGroupsTest {
  private static Network model(boolean tied) {
    ModelConfig t = ModelConfig.tiny(11, 6, true, DataType.DOUBLE);
    return Network.ofTokens(new ModelConfig(t.vocab(), t.layers(), t.heads(), t.dModel(), t.dFf(), t.context(), 0.0,
        true, t.attention(), tied, DataType.DOUBLE), CausalLm::new, 5);
  }

  /** Names of the parameters whose every entry of the optimizer's mask is 1 (and checks no parameter is mixed). */
  private static Set<String> decayed(Network m, AdamW adam) {
    Set<String> out = new TreeSet<>();
    INDArray mask = adam.decayMask();                                 // [1, P]
    long offset = 0;
    for (Param p : m.params().params()) {
      double sum = mask.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
          org.nd4j.linalg.indexing.NDArrayIndex.interval(offset, offset + p.length())).sumNumber().doubleValue();
      assertTrue(sum == 0 || sum == p.length(), p.name() + ": mask partly set");
      if (sum > 0) {
        out.add(p.name());
      }
      offset += p.length();
    }
    return out;
  }

  /** nanoGPT's rule written out from the names: W matrices and the two embedding tables. */
  private static Set<String> matrices(Network m, boolean embeddings) {
    Set<String> out = new TreeSet<>();
    for (Param p : m.params().params()) {
      boolean embedding = p.name().equals("wte") || p.name().equals("wpe");
      if (p.name().endsWith(".W") || (embeddings && embedding)) {
        out.add(p.name());
      }
    }
    return out;
  }

  @Test
  void everyMatrixDecaysTheEmbeddingsIncluded() {
    for (boolean tied : new boolean[] {true, false}) {
      Network m = model(tied);
      Set<String> got = decayed(m, new AdamW(m.params(), 0.9, 0.99, 1e-8, 0.1));
      assertEquals(matrices(m, true), got, "tied " + tied);
      assertTrue(got.containsAll(List.of("wte", "wpe", "blocks.0.attn.qkv.W", "blocks.1.mlp.proj.W")), got.toString());
      assertEquals(tied, !got.contains("lm_head.W"), "an untied head decays: " + got);
      assertFalse(got.stream().anyMatch(n -> n.endsWith(".b") || n.endsWith(".gamma") || n.endsWith(".beta")),
          got.toString());
    }
  }

  @Test
  void decayEmbeddingsFalseKeepsTheTablesOut() {
    Network m = model(true);
    Set<String> got = decayed(m, new AdamW(m.params(), 0.9, 0.99, 1e-8, 0.1, false));
    assertEquals(matrices(m, false), got);
    assertFalse(got.contains("wte") || got.contains("wpe"), got.toString());
  }

  /**
   * With zero gradients Adam's step is 0/(0 + ε) = 0, so one step is the decay alone: θ ← θ·(1 − lr·λ) exactly where
   * the groups say, and θ unchanged elsewhere.
   */
  @Test
  void oneStepShrinksExactlyTheDecayedParameters() {
    for (boolean embeddings : new boolean[] {true, false}) {
      Network m = model(true);
      INDArray before = m.params().values().dup();
      m.params().grads().assign(0);
      new AdamW(m.params(), 0.9, 0.99, 1e-8, 0.1, embeddings).step(0.5);
      double factor = 1 - 0.5 * 0.1;
      INDArray wte = before.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
          org.nd4j.linalg.indexing.NDArrayIndex.interval(0, m.params().get("wte").length()));
      INDArray want = embeddings ? wte.mul(factor) : wte;
      assertEquals(0.0, m.params().get("wte").value().reshape(want.shape()).sub(want).amaxNumber().doubleValue(),
          1e-15, "wte, decay-embeddings " + embeddings);
      Param w = m.params().get("blocks.0.mlp.fc.W");
      Param g = m.params().get("blocks.0.ln1.gamma");
      assertEquals(1.0 * factor, w.value().getDouble(0) / valueBefore(m, before, w, 0), 1e-12);
      assertEquals(1.0, m.params().get("blocks.0.ln1.gamma").value().getDouble(0)
          / valueBefore(m, before, g, 0), 0.0, "LayerNorm gains never decay");
    }
  }

  private static double valueBefore(Network m, INDArray before, Param p, long i) {
    long offset = 0;
    for (Param q : m.params().params()) {
      if (q == p) {
        return before.getDouble(offset + i);
      }
      offset += q.length();
    }
    throw new AssertionError(p.name());
  }

  @Test
  void theKeyDefaultsToNanoGptAndIsValidated() {
    assertTrue(Settings.load(null, List.of()).train().decayEmbeddings());
    assertFalse(Settings.load(null, List.of("train.decay-embeddings=false")).train().decayEmbeddings());
    SettingsException e = assertThrows(SettingsException.class,
        () -> Settings.load(null, List.of("train.decay-embeddings=sometimes")));
    assertTrue(e.getMessage().contains("anisoscope.train.decay-embeddings") && e.getMessage().contains("true or false"),
        e.getMessage());
  }
}
