package org.anisoscope.reports.claims;

import org.anisoscope.reports.CsvTable;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A hand-made probes.csv with two probe steps (0 and 100): per hidden layer a step-0 and a final cos_mean with a
 * ± half-width interval, and optionally the q/k drift metrics on two heads of layer 0.
 */
final class ProbeTable {
  private final StringBuilder csv = new StringBuilder("step,epoch,hook,layer,head,metric,value\n");

  /** blocks.L.hook_resid_post: cos_mean at step 0 (interval ±0.01) and at step 100 (interval ±halfWidth). */
  ProbeTable layer(int l, double step0, double last, double halfWidth) {
    String hook = "blocks." + l + ".hook_resid_post";
    row(0, hook, l, "", "cos_mean", step0);
    row(0, hook, l, "", "cos_mean_ci_lo", step0 - 0.01);
    row(0, hook, l, "", "cos_mean_ci_hi", step0 + 0.01);
    row(100, hook, l, "", "cos_mean", last);
    row(100, hook, l, "", "cos_mean_ci_lo", last - halfWidth);
    row(100, hook, l, "", "cos_mean_ci_hi", last + halfWidth);
    return this;
  }

  /** The embedding (not a hidden layer): must never decide a verdict. */
  ProbeTable embed(double last) {
    row(0, "hook_embed", -1, "", "cos_mean", 0.01);
    row(100, "hook_embed", -1, "", "cos_mean", last);
    row(100, "hook_embed", -1, "", "cos_mean_ci_lo", last - 0.01);
    row(100, "hook_embed", -1, "", "cos_mean_ci_hi", last + 0.01);
    return this;
  }

  /** Drift metrics on two heads of layer 0; head 1 gets the qk cosine with the opposite sign (|cos| is averaged). */
  ProbeTable drift(double q0, double q1, double k0, double k1, double cos0, double cos1, double h0, double h1) {
    for (int head = 0; head < 2; head++) {
      double sign = head == 0 ? 1 : -1;
      row(0, "blocks.0.attn.hook_q", 0, "" + head, "q_mean_norm", q0);
      row(100, "blocks.0.attn.hook_q", 0, "" + head, "q_mean_norm", q1);
      row(0, "blocks.0.attn.hook_k", 0, "" + head, "k_mean_norm", k0);
      row(100, "blocks.0.attn.hook_k", 0, "" + head, "k_mean_norm", k1);
      row(0, "blocks.0.attn.hook_q", 0, "" + head, "qk_mean_cos", sign * cos0);
      row(100, "blocks.0.attn.hook_q", 0, "" + head, "qk_mean_cos", sign * cos1);
      row(0, "blocks.0.attn.hook_pattern", 0, "" + head, "attn_entropy", h0);
      row(100, "blocks.0.attn.hook_pattern", 0, "" + head, "attn_entropy", h1);
    }
    return this;
  }

  private void row(long step, String hook, int layer, String head, String metric, double v) {
    csv.append(step).append(',').append(step == 0 ? 0 : 1).append(',').append(hook).append(',')
        .append(layer < 0 ? "" : Integer.toString(layer)).append(',').append(head).append(',').append(metric)
        .append(',').append(String.format(Locale.ROOT, "%s", v)).append('\n');
  }

  String text() {
    return csv.toString();
  }

  RunProbes probes() {
    return RunProbes.of(CsvTable.parse(Path.of("probes.csv"), csv.toString()));
  }

  SeedRun seed(String id, long seed) {
    return seed(id, seed, Double.NaN);
  }

  SeedRun seed(String id, long seed, double valLoss) {
    return SeedRun.finished(id, Optional.of(seed), Path.of(id + "-s" + seed), probes(),
        Double.isNaN(valLoss) ? OptionalDouble.empty() : OptionalDouble.of(valLoss));
  }

  /** A run with four hidden layers: the largest final cos_mean {@code top} (±0.02), step 0 at 0.1. */
  static ProbeTable run(double top) {
    return new ProbeTable().embed(0.05).layer(0, 0.05, top / 4, 0.02).layer(1, 0.06, top / 2, 0.02)
        .layer(2, 0.08, top, 0.02).layer(3, 0.1, top * 0.9, 0.02);
  }
}
