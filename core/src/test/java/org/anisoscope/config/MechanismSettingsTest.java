package org.anisoscope.config;

import org.anisoscope.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code model.attention = mixer}, {@code model.qk-norm}, {@code model.attention-temperature}: read and validated. */
class MechanismSettingsTest {
  @Test
  void defaultsAreSoftmaxWithoutInterventions() {
    ModelConfig c = Settings.load(null, List.of()).model().toConfig(10);
    assertEquals(ModelConfig.Attention.SOFTMAX, c.attention());
    assertFalse(c.qkNorm());
    assertEquals(1.0, c.attentionTemperature());
  }

  @Test
  void mixerAndInterventionsAreRead() {
    assertEquals(ModelConfig.Attention.MIXER,
        Settings.load(null, List.of("model.attention=mixer")).model().toConfig(10).attention());
    ModelConfig c = Settings.load(null, List.of("model.qk-norm=true", "model.attention-temperature=2.5")).model()
        .toConfig(10);
    assertTrue(c.qkNorm());
    assertEquals(2.5, c.attentionTemperature());
  }

  @Test
  void badValuesNameTheKey() {
    for (List<String> bad : List.of(List.of("model.attention=linear"), List.of("model.attention-temperature=0"),
        List.of("model.qk-norm=maybe"), List.of("model.attention=mixer", "model.qk-norm=true"),
        List.of("model.attention=none", "model.attention-temperature=2"))) {
      SettingsException e = assertThrows(SettingsException.class, () -> Settings.load(null, bad), bad.toString());
      String key = bad.get(bad.size() - 1).split("=")[0];
      assertTrue(e.getMessage().contains("anisoscope." + key) && e.getMessage().contains("command line"),
          bad + ": " + e.getMessage());
    }
  }
}
