package org.anisoscope.reports;

import java.util.Collection;
import java.util.OptionalInt;

/**
 * How a metric's axis is drawn, so that a plot never exaggerates a change: cosine-type and other bounded metrics
 * get their whole range as a fixed axis ([0, 1], or [−0.1, 1] when a value is negative, [−1, 1] when one is below
 * −0.1); unbounded ones keep the data's range but start at their natural floor (0 for norms and entropies), and the
 * caption states their natural range.
 *
 * @param name   the metric
 * @param lo     fixed axis minimum, or NaN for none
 * @param hi     fixed axis maximum, or NaN for none
 * @param range  the natural range in words, for captions (e.g. "0 … 1", "1 … d = 128")
 */
record MetricInfo(String name, double lo, double hi, String range) {
  boolean fixed() {
    return !Double.isNaN(lo) && !Double.isNaN(hi);
  }

  /** The axis of {@code metric} for the plotted {@code values}; {@code dModel} and {@code context} when known. */
  static MetricInfo of(String metric, Collection<Double> values, OptionalInt dModel, OptionalInt context) {
    double min = Double.POSITIVE_INFINITY;
    for (double v : values) {
      if (Double.isFinite(v)) {
        min = Math.min(min, v);
      }
    }
    if (isCosine(metric)) {
      double lo = min < -0.1 ? -1 : min < 0 ? -0.1 : 0;
      return new MetricInfo(metric, lo, 1, "−1 … 1 (0 = isotropic, 1 = one direction)");
    }
    String d = dModel.isPresent() ? "d = " + dModel.getAsInt() : "d";
    return switch (metric) {
      case "norm_mean_ratio", "pc1_share", "isoscore", "partition_iw" -> new MetricInfo(metric, min < 0 ? -0.1 : 0, 1,
          "0 … 1");
      case "uniformity" -> new MetricInfo(metric, -4, 0, "−4 … 0 (log E exp(−2‖u−v‖²); 0 = one direction)");
      case "eff_rank" -> new MetricInfo(metric, 0, Double.NaN, "1 … " + d);
      case "outlier_dims" -> new MetricInfo(metric, 0, Double.NaN, "0 … " + d);
      case "attn_entropy" -> new MetricInfo(metric, 0, context.isPresent() ? Math.log(context.getAsInt()) : Double.NaN,
          context.isPresent()
          ? String.format(java.util.Locale.ROOT, "0 … ln T = %.2f nats (T = %d keys, uniform attention)",
              Math.log(context.getAsInt()), context.getAsInt())
          : "0 … ln T nats (T keys)");
      case "q_mean_norm", "k_mean_norm" -> new MetricInfo(metric, 0, Double.NaN, "0 … ∞ (0 = no drift)");
      case "qk_mean_dot" -> new MetricInfo(metric, Double.NaN, Double.NaN, "−∞ … ∞");
      default -> new MetricInfo(metric, Double.NaN, Double.NaN, "not known to the report");
    };
  }

  /** A cosine between vectors: the whole {@code cos_mean} family (intervals, groups, centred, intra) and q·k. */
  static boolean isCosine(String metric) {
    return metric.startsWith("cos_mean") || metric.equals("qk_mean_cos");
  }

  /** Applies the axis to {@code c}'s y axis; a free end is left to the data. */
  void applyY(org.knowm.xchart.XYChart c) {
    if (!Double.isNaN(lo)) {
      c.getStyler().setYAxisMin(lo);
    }
    if (!Double.isNaN(hi)) {
      c.getStyler().setYAxisMax(hi);
    }
  }

  /** "on a fixed 0 … 1 axis" or "natural range …", for a caption. */
  String caption() {
    return fixed() ? name + " is drawn on its whole range (" + Fmt.num(lo) + " … " + Fmt.num(hi) + ")"
        : name + ": natural range " + range + (Double.isNaN(lo) ? "" : "; axis from " + Fmt.num(lo));
  }
}
