package org.anisoscope.probe;

import org.anisoscope.config.Settings;
import org.anisoscope.config.SettingsException;
import org.anisoscope.model.ModelConfig.Attention;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** probe.hooks is checked against the model it probes: a pattern that names no hook of it is an error. */
class HookSelectorTest {
  private static String failure(String... overrides) {
    SettingsException e = assertThrows(SettingsException.class, () -> Settings.load(null, List.of(overrides)));
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().contains("anisoscope.probe.hooks"), "names the key: " + e.getMessage());
    return e.getMessage();
  }

  @Test
  void aLayerBeyondTheModelIsRefusedWithTheValidRange() {
    String m = failure("model.layers=4", "probe.hooks=[hook_embed, blocks.9.hook_resid_post]");
    assertTrue(m.contains("'blocks.9.hook_resid_post'") && m.contains("0..3") && m.contains("model.layers = 4"), m);
  }

  @Test
  void attentionHooksOfAModelWithoutAttentionAreRefused() {
    String m = failure("model.attention=none", "probe.hooks=[blocks.0.attn.hook_q]");
    assertTrue(m.contains("'blocks.0.attn.hook_q'") && m.contains("model.attention = none")
        && m.contains("hook_resid_pre, hook_resid_mid, hook_resid_post"), m);
    m = failure("model.attention=none", "probe.hooks=[\"blocks.*.hook_resid_post\", \"blocks.*.attn.hook_pattern\"]");
    assertTrue(m.contains("'blocks.*.attn.hook_pattern'"), m);
  }

  @Test
  void validPatternsLoad() {
    Settings s = Settings.load(null, List.of("model.layers=2", "model.attention=none",
        "probe.hooks=[hook_embed, \"blocks.*.hook_resid_post\", blocks.1.hook_resid_mid]"));
    assertEquals(List.of("hook_embed", "blocks.0.hook_resid_post", "blocks.1.hook_resid_mid",
        "blocks.1.hook_resid_post"), HookSelector.expand(s.probe().hooks(), 2, Attention.NONE));
  }

  @Test
  void expandRefusesAPatternMatchingNothingInsteadOfDroppingIt() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> HookSelector.expand(List.of("hook_embed", "blocks.2.hook_resid_post"), 2, Attention.SOFTMAX));
    assertTrue(e.getMessage().contains("0..1"), e.getMessage());
  }

  @Test
  void theDefaultListTakesTheHooksTheModelHas() {
    Settings s = Settings.load(null, List.of("model.attention=none"));
    assertTrue(s.probe().hooks().contains("blocks.*.hook_resid_post"), s.probe().hooks().toString());
    assertTrue(s.probe().hooks().stream().noneMatch(h -> h.contains(".attn.")), s.probe().hooks().toString());
    assertTrue(Settings.load(null, List.of()).probe().hooks().contains("blocks.*.attn.hook_q"));
  }

  @Test
  void eachMixerStatesItsOwnHooks() {
    assertEquals(List.of("hook_embed", "blocks.0.hook_resid_pre", "blocks.0.attn.hook_q", "blocks.0.attn.hook_k",
        "blocks.0.attn.hook_pattern", "blocks.0.hook_resid_mid", "blocks.0.hook_resid_post",
        "ln_final.hook_normalized", "W_E", "W_U"), HookSelector.available(1, Attention.SOFTMAX));
    assertEquals(List.of("hook_embed", "blocks.0.hook_resid_pre", "blocks.0.hook_resid_mid",
        "blocks.0.hook_resid_post", "ln_final.hook_normalized", "W_E", "W_U"), HookSelector.available(1,
        Attention.NONE));
  }
}
