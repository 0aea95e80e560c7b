package org.anisoscope.model;

/**
 * Hook names (API: never rename once released), modelled on TransformerLens. {@code L} is the block index from
 * 0. The hidden state of layer L for anisotropy is {@code blocks.L.hook_resid_post}; "layer 0" in plots is
 * {@code hook_embed}.
 */
public final class Hooks {
  public static final String EMBED = "hook_embed";
  public static final String LN_FINAL = "ln_final.hook_normalized";
  /** The token embedding matrix as a point cloud: {@code [vocab, d_model]} (TransformerLens's W_E). */
  public static final String W_E = "W_E";
  /** The unembedding (output) matrix as a point cloud, one row per token: {@code [vocab, d_model]} (W_U). */
  public static final String W_U = "W_U";

  private Hooks() {
  }

  public static String residPre(int layer) {
    return "blocks." + layer + ".hook_resid_pre";
  }

  public static String residMid(int layer) {
    return "blocks." + layer + ".hook_resid_mid";
  }

  public static String residPost(int layer) {
    return "blocks." + layer + ".hook_resid_post";
  }

  public static String q(int layer) {
    return "blocks." + layer + ".attn.hook_q";
  }

  public static String k(int layer) {
    return "blocks." + layer + ".attn.hook_k";
  }

  public static String pattern(int layer) {
    return "blocks." + layer + ".attn.hook_pattern";
  }

  /** The block index in a {@code blocks.L.*} name, or -1 for hooks outside the blocks. */
  public static int layerOf(String hook) {
    if (!hook.startsWith("blocks.")) {
      return -1;
    }
    int end = hook.indexOf('.', 7);
    return Integer.parseInt(hook.substring(7, end));
  }
}
