package org.anisoscope.probe;

import org.anisoscope.model.Hooks;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Expands {@code probe.hooks} patterns ({@code *} = every layer) into concrete names, in forward order. */
public final class HookSelector {
  private HookSelector() {
  }

  /** @param hasAttention whether the blocks have softmax attention ({@code ModelConfig.Attention#hasQueryKey}) */
  public static List<String> expand(List<String> patterns, int layers, boolean hasAttention) {
    List<String> all = new ArrayList<>();
    all.add(Hooks.EMBED);
    for (int l = 0; l < layers; l++) {
      all.addAll(Hooks.ofBlock(l, hasAttention));
    }
    all.add(Hooks.LN_FINAL);
    all.add(Hooks.W_E);
    all.add(Hooks.W_U);
    Set<String> out = new LinkedHashSet<>();
    for (String name : all) {
      for (String p : patterns) {
        if (name.matches(p.replace(".", "\\.").replace("*", "\\d+"))) {
          out.add(name);
        }
      }
    }
    return List.copyOf(out);
  }

  static boolean isHeadVectors(String hook) {
    return hook.endsWith(".attn.hook_q") || hook.endsWith(".attn.hook_k");
  }

  static boolean isMatrix(String hook) {
    return hook.equals(Hooks.W_E) || hook.equals(Hooks.W_U);
  }

  static boolean isPattern(String hook) {
    return hook.endsWith(".attn.hook_pattern");
  }
}
