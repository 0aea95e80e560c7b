package org.anisoscope.reports;

import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hook names of ARCHITECTURE.md (§3 Hook names) as the reports see them: the representation depth of a hook, the
 * layer it belongs to, and the order in which hooks are listed (the order a forward pass visits them).
 *
 * <p>Depth convention: {@code hook_embed} → 0, {@code blocks.L.hook_resid_post} → L + 1, so "layer 0" in the
 * plots is the embedding and depth L + 1 is the output of block L. Other hooks have no depth.
 */
public final class Hooks {
  public static final String EMBED = "hook_embed";
  public static final String LN_FINAL = "ln_final.hook_normalized";

  private static final Pattern BLOCK = Pattern.compile("blocks\\.(\\d+)\\.(.+)");
  private static final List<String> BLOCK_ORDER = List.of(
      "hook_resid_pre", "attn.hook_q", "attn.hook_k", "attn.hook_pattern", "hook_resid_mid", "hook_resid_post");

  private Hooks() {}

  /** The name of the hook at {@code depth}: {@code hook_embed} for 0, {@code blocks.(depth-1).hook_resid_post}. */
  public static String atDepth(int depth) {
    return depth == 0 ? EMBED : "blocks." + (depth - 1) + ".hook_resid_post";
  }

  /** The representation depth of {@code hook}, or empty when it is not the embedding or a block output. */
  public static OptionalInt depth(String hook) {
    if (hook.equals(EMBED)) {
      return OptionalInt.of(0);
    }
    Matcher m = BLOCK.matcher(hook);
    if (m.matches() && m.group(2).equals("hook_resid_post")) {
      return OptionalInt.of(Integer.parseInt(m.group(1)) + 1);
    }
    return OptionalInt.empty();
  }

  /** The block index L of a {@code blocks.L.*} hook, or empty. */
  public static OptionalInt layer(String hook) {
    Matcher m = BLOCK.matcher(hook);
    return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }

  /** A short plot label: {@code "0 (embed)"}, {@code "3"}. */
  public static String depthLabel(int depth) {
    return depth == 0 ? "0 (embed)" : Integer.toString(depth);
  }

  /**
   * Forward-pass order: the embedding, then each block's hooks in the order the block computes them, then the
   * final layer norm, then any unknown hook by name.
   */
  public static final Comparator<String> FORWARD_ORDER = Comparator
      .comparingInt(Hooks::rank)
      .thenComparingInt(h -> layer(h).orElse(0))
      .thenComparingInt(Hooks::positionInBlock)
      .thenComparing(Comparator.naturalOrder());

  private static int rank(String hook) {
    if (hook.equals(EMBED)) {
      return 0;
    }
    if (layer(hook).isPresent()) {
      return 1;
    }
    return hook.equals(LN_FINAL) ? 2 : 3;
  }

  private static int positionInBlock(String hook) {
    Matcher m = BLOCK.matcher(hook);
    if (!m.matches()) {
      return 0;
    }
    int i = BLOCK_ORDER.indexOf(m.group(2));
    return i < 0 ? BLOCK_ORDER.size() : i;
  }
}
