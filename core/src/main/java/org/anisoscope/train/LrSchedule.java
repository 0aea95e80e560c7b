package org.anisoscope.train;

/**
 * nanoGPT's get_lr: linear warm-up from 0 to {@code lr} over {@code warmup} steps, then cosine decay to
 * {@code minLr} at {@code total} steps, constant after.
 */
public record LrSchedule(double lr, double minLr, long warmup, long total) {
  public double at(long step) {
    if (step < warmup) {
      return lr * (step + 1) / (warmup + 1);
    }
    if (step >= total) {
      return minLr;
    }
    double ratio = (double) (step - warmup) / Math.max(1, total - warmup);
    double coeff = 0.5 * (1.0 + Math.cos(Math.PI * ratio));
    return minLr + coeff * (lr - minLr);
  }
}
