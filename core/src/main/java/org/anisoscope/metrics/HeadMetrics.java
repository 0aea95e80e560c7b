package org.anisoscope.metrics;

import com.google.common.base.Preconditions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-head measures on {@code blocks.L.attn.hook_q}, {@code hook_k} and {@code hook_pattern} (Godey et al. 2024:
 * query and key vectors drift away from the origin along a shared direction as attention sharpens). Static, pure,
 * double precision.
 */
public final class HeadMetrics {
  public static final String Q_MEAN_NORM = "q_mean_norm";
  public static final String K_MEAN_NORM = "k_mean_norm";
  public static final String QK_MEAN_COS = "qk_mean_cos";
  public static final String QK_MEAN_DOT = "qk_mean_dot";
  public static final String ATTN_ENTROPY = "attn_entropy";

  private HeadMetrics() {}

  /**
   * For one head's query and key vectors (rows {@code [N, d_head]}): {@code q_mean_norm} and {@code k_mean_norm}
   * (norm of the mean vector), {@code qk_mean_cos} (cosine of the two means, NaN if either is zero) and
   * {@code qk_mean_dot} (their dot product), in that order.
   */
  public static Map<String, Double> queryKey(HookVectors q, HookVectors k) {
    Preconditions.checkArgument(q.d() == k.d(), "query dimension %s != key dimension %s", q.d(), k.d());
    Preconditions.checkArgument(q.n() > 0 && k.n() > 0, "need rows: %s queries, %s keys", q.n(), k.n());
    double[] mq = ColumnMeans.of(q);
    double[] mk = ColumnMeans.of(k);
    double nq = Math.sqrt(UnitVectorSums.squaredNorm(mq));
    double nk = Math.sqrt(UnitVectorSums.squaredNorm(mk));
    double dot = 0;
    for (int j = 0; j < mq.length; j++) {
      dot += mq[j] * mk[j];
    }
    Map<String, Double> out = new LinkedHashMap<>();
    out.put(Q_MEAN_NORM, nq);
    out.put(K_MEAN_NORM, nk);
    out.put(QK_MEAN_COS, nq == 0 || nk == 0 ? Double.NaN : dot / (nq * nk));
    out.put(QK_MEAN_DOT, dot);
    return out;
  }

  /**
   * {@code attn_entropy}: the mean over the {@code rows} queries of the attention distribution's entropy
   * {@code −Σ_j a_ij ln a_ij} in nats, {@code 0·ln 0 = 0} (so causally masked zeros add nothing); NaN if any weight is NaN. {@code pattern}
   * is row-major {@code [rows, cols]}; uniform rows give {@code ln cols}, one-hot rows 0.
   */
  public static double attentionEntropy(float[] pattern, int rows, int cols) {
    Preconditions.checkArgument(rows > 0 && cols > 0, "bad pattern shape [%s, %s]", rows, cols);
    Preconditions.checkArgument(pattern.length == (long) rows * cols, "pattern has %s values, [%s, %s] needs %s",
        pattern.length, rows, cols, (long) rows * cols);
    for (int k = 0; k < pattern.length; k++) { // what the weights must be, first offender decides
      float a = pattern[k];
      if (Float.isNaN(a)) {
        return Double.NaN; // a diverged model must show as NaN, not as a plausible entropy
      }
      if (a < 0) { // (not Preconditions with arguments: they would be boxed for every weight)
        throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
            "negative attention weight %s at [%s, %s]", a, k / cols, k % cols));
      }
    }
    double total = 0;
    for (int i = 0; i < rows; i++) {
      total -= EntropySums.sum(pattern, i * cols, cols); // Σ_j a_ij ln a_ij, zeros adding nothing
    }
    return total / rows;
  }
}
