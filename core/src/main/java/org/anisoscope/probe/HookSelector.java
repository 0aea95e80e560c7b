package org.anisoscope.probe;

import org.anisoscope.config.SettingsException;
import org.anisoscope.model.Hooks;
import org.anisoscope.model.ModelConfig;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Expands {@code probe.hooks} patterns ({@code *} = every layer) into the concrete hook names of one model, in
 * forward order, and refuses a pattern that names no hook of that model (a layer beyond {@code model.layers}, an
 * attention hook of a model whose token mixer has none): a misspelt probe must not silently record nothing.
 */
public final class HookSelector {
  private static final String KEY = "anisoscope.probe.hooks";

  private HookSelector() {
  }

  /** Every hook this model has: embeddings, per block the residual stream and its mixer's own, then the rest. */
  public static List<String> available(int layers, ModelConfig.Attention attention) {
    List<String> all = new ArrayList<>();
    all.add(Hooks.EMBED);
    for (int l = 0; l < layers; l++) {
      all.add(Hooks.residPre(l));
      for (String h : attention.hooks()) {
        all.add("blocks." + l + "." + h);
      }
      all.add(Hooks.residMid(l));
      all.add(Hooks.residPost(l));
    }
    all.add(Hooks.LN_FINAL);
    all.add(Hooks.W_E);
    all.add(Hooks.W_U);
    return all;
  }

  /**
   * The concrete names, in forward order, each once; a pattern that matches none is a {@link SettingsException}
   * naming {@code probe.hooks}, the pattern and what this model offers.
   */
  public static List<String> expand(List<String> patterns, int layers, ModelConfig.Attention attention) {
    problem(patterns, layers, attention).ifPresent(p -> {
      throw new SettingsException(KEY + " = " + patterns + ": expected " + p);
    });
    Set<String> out = new LinkedHashSet<>();
    for (String name : available(layers, attention)) {
      for (String p : patterns) {
        if (matches(name, p)) {
          out.add(name);
        }
      }
    }
    return List.copyOf(out);
  }

  /**
   * What is wrong with the first pattern that matches no hook of this model, phrased as what was expected (the
   * valid layer range, or the mixer's hooks), or empty when every pattern matches.
   */
  public static Optional<String> problem(List<String> patterns, int layers, ModelConfig.Attention attention) {
    List<String> all = available(layers, attention);
    for (String p : patterns) {
      if (all.stream().anyMatch(name -> matches(name, p))) {
        continue;
      }
      String mixer = "model.attention = " + attention.name().toLowerCase(Locale.ROOT);
      if (p.startsWith("blocks.")) {
        int dot = p.indexOf('.', 7);
        String layer = dot < 0 ? "" : p.substring(7, dot);
        String inBlock = dot < 0 ? "" : p.substring(dot + 1);
        List<String> blockHooks = new ArrayList<>(List.of("hook_resid_pre", "hook_resid_mid", "hook_resid_post"));
        blockHooks.addAll(attention.hooks());
        if (!layer.equals("*") && layer.matches("\\d+") && Long.parseLong(layer) >= layers) {
          return Optional.of("block indices in 0.." + (layers - 1) + " (model.layers = " + layers + "), not '" + p
              + "'");
        }
        if (!blockHooks.contains(inBlock)) {
          return Optional.of("hooks this model has; '" + p + "' matches none: with " + mixer + " a block provides "
              + String.join(", ", blockHooks));
        }
      }
      return Optional.of("hooks this model has; '" + p + "' matches none (e.g. hook_embed, blocks.*.hook_resid_post, "
          + "ln_final.hook_normalized, W_E, W_U)");
    }
    return Optional.empty();
  }

  private static boolean matches(String name, String pattern) {
    return name.matches(pattern.replace(".", "\\.").replace("*", "\\d+"));
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
