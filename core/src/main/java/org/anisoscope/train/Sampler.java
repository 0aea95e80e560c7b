package org.anisoscope.train;

import org.anisoscope.data.Batch;
import org.anisoscope.objective.CausalLm;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Autoregressive sampling from a causal LM with temperature. Every step runs one window of {@code context}
 * positions (the prompt left-aligned, later positions ignored: causal attention never looks ahead), so the
 * sampler reuses one set of buffers whatever the length.
 */
public final class Sampler {
  private Sampler() {
  }

  /** Generates {@code count} tokens after {@code prompt}; returns only the generated ids. */
  public static int[] generate(Network model, int[] prompt, int count, double temperature, long seed) {
    if (!(model.objective() instanceof CausalLm lm)) {
      throw new IllegalStateException("sampling needs a causal-lm objective, not " + model.objective().name());
    }
    int ctx = model.config().context();
    SplittableRandom random = new SplittableRandom(seed);
    int[] history = Arrays.copyOf(prompt, prompt.length + count);
    int len = prompt.length;
    int[] window = new int[ctx];
    for (int i = 0; i < count; i++) {
      int from = Math.max(0, len - ctx);
      int used = len - from;
      Arrays.fill(window, 0);
      System.arraycopy(history, from, window, 0, used);
      INDArray hidden = model.hidden(new Batch(1, ctx, window, null));
      INDArray logits = lm.logits(hidden).getRow(used - 1);           // [V]
      history[len++] = sample(logits.toDoubleVector(), temperature, random);
    }
    return Arrays.copyOfRange(history, prompt.length, len);
  }

  private static int sample(double[] logits, double temperature, SplittableRandom r) {
    double max = Double.NEGATIVE_INFINITY;
    for (double z : logits) {
      max = Math.max(max, z);
    }
    double sum = 0;
    double[] p = new double[logits.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp((logits[i] - max) / temperature);
      sum += p[i];
    }
    double u = r.nextDouble() * sum;
    for (int i = 0; i < p.length; i++) {
      u -= p[i];
      if (u <= 0) {
        return i;
      }
    }
    return p.length - 1;
  }
}
