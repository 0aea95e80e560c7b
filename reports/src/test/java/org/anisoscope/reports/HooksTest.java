package org.anisoscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

class HooksTest {
  @Test
  void embeddingIsDepthZeroAndBlockOutputIsLayerPlusOne() {
    assertEquals(OptionalInt.of(0), Hooks.depth("hook_embed"));
    assertEquals(OptionalInt.of(1), Hooks.depth("blocks.0.hook_resid_post"));
    assertEquals(OptionalInt.of(12), Hooks.depth("blocks.11.hook_resid_post"));
    assertEquals("blocks.11.hook_resid_post", Hooks.atDepth(12));
    assertEquals("hook_embed", Hooks.atDepth(0));
  }

  @Test
  void otherHooksHaveNoDepth() {
    assertTrue(Hooks.depth("blocks.0.hook_resid_pre").isEmpty());
    assertTrue(Hooks.depth("blocks.0.attn.hook_q").isEmpty());
    assertTrue(Hooks.depth("ln_final.hook_normalized").isEmpty());
    assertEquals(OptionalInt.of(3), Hooks.layer("blocks.3.attn.hook_pattern"));
    assertTrue(Hooks.layer("hook_embed").isEmpty());
  }

  @Test
  void forwardOrderIsEmbedThenBlocksInComputeOrderThenFinalNorm() {
    List<String> hooks = new ArrayList<>(List.of("ln_final.hook_normalized", "blocks.10.hook_resid_post",
        "blocks.2.hook_resid_post", "blocks.2.hook_resid_pre", "blocks.2.attn.hook_q", "hook_embed",
        "blocks.2.hook_resid_mid"));
    hooks.sort(Hooks.FORWARD_ORDER);
    assertEquals(List.of("hook_embed", "blocks.2.hook_resid_pre", "blocks.2.attn.hook_q", "blocks.2.hook_resid_mid",
        "blocks.2.hook_resid_post", "blocks.10.hook_resid_post", "ln_final.hook_normalized"), hooks);
  }
}
