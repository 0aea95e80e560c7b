package org.anisoscope.model;

import java.nio.FloatBuffer;

/**
 * The softmax of attention scores with a key-padding mask (and optionally causal), in plain loops: the CPU side of
 * {@link CpuDevice#softmaxForward} when a mask is given (the fused CPU kernels have none) and the reference the
 * CUDA kernel {@code softmax.cu} is checked against. Row r of {@code [rows, t]} belongs to sequence
 * {@code r / rowsPerSequence}, whose mask row says which keys are real (≠ 0); a row with no allowed key is all 0.
 */
final class MaskedSoftmax {
  private MaskedSoftmax() {}

  static void forward(FloatBuffer s, FloatBuffer p, int rows, int t, float scale, boolean causal, FloatBuffer mask,
      int rowsPerSequence) {
    for (int r = 0; r < rows; r++) {
      long base = (long) r * t;
      int len = causal ? r % t + 1 : t;
      int m0 = (r / rowsPerSequence) * t;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < len; j++) {
        if (mask.get(m0 + j) != 0f) {
          max = Math.max(max, s.get((int) base + j) * scale);
        }
      }
      float sum = 0;
      for (int j = 0; j < t; j++) {
        boolean on = j < len && mask.get(m0 + j) != 0f;
        float e = on ? (float) Math.exp(s.get((int) base + j) * scale - max) : 0f;
        p.put((int) base + j, e);
        sum += e;
      }
      float inv = sum > 0 ? 1f / sum : 0f;
      for (int j = 0; j < t; j++) {
        p.put((int) base + j, p.get((int) base + j) * inv);
      }
    }
  }

  /** In place dP ← scale · P ⊙ (dP − Σ_j dP ⊙ P); zero wherever P is zero (masked and causal entries). */
  static void backward(FloatBuffer p, FloatBuffer dP, int rows, int t, float scale) {
    for (int r = 0; r < rows; r++) {
      int base = r * t;
      float dot = 0;
      for (int j = 0; j < t; j++) {
        dot += dP.get(base + j) * p.get(base + j);
      }
      for (int j = 0; j < t; j++) {
        dP.put(base + j, scale * p.get(base + j) * (dP.get(base + j) - dot));
      }
    }
  }
}
