package org.anisoscope.model;

import com.google.common.base.Preconditions;
import org.anisoscope.data.Batch;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * wav2vec 2.0's convolutional relative position embedding (Baevski et al. 2020 §2, after Mohamed et al. 2019)
 * on top of another frontend: {@code out = e + GELU(conv(e))}, where {@code e [B·T, C]} is the inner frontend's
 * output and {@code conv} is a depthwise convolution over time (one kernel of {@code K} taps per channel, K odd,
 * centred, zero beyond the sequence; wav2vec 2.0 groups 16 channels per kernel, a depthwise one is the cheap
 * end of the same family, as in Conformer's convolution module).
 *
 * <p>Why audio needs it: a masked frame's input is the mask embedding, so everything a masked position knows
 * about its frame comes through attention, and at initialisation attention is nearly uniform over the
 * utterance, which carries the utterance's mean spectrum only — the same for the true frame and for every
 * distractor or neighbour. Learning to attend locally from learned absolute position rows (std 0.02) is then a
 * second-order effect with no first-order gradient towards it (measured: the contrastive loss sat at
 * ln(K + 1) for 500 steps even with isolated masked frames and visible neighbours). The convolution gives every
 * position a mix of its neighbours' contents from the first step.
 *
 * <p>Padded frames ({@link Batch#padding}) enter no convolution (their rows are zero in its input) and get no
 * convolution output, so they reach no real frame. GELU is the tanh approximation (PyTorch's
 * {@code approximate='tanh'}); the arithmetic runs in double on plain arrays (n·C·K multiply-adds: small next to
 * one block).
 */
public final class ConvPositionEmbedding implements Frontend {
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
  private final Frontend inner;
  private final Param weight; // [K, C] one kernel per channel
  private final Param bias;   // [1, C]
  private final int kernel;
  private final int dModel;
  private final Buffers buf;
  // the last forward pass, read by backward
  private double[] in;   // [n·C] the inner output with padded rows zeroed
  private double[] z;    // [n·C] convolution output before GELU
  private boolean[] pad; // [n] or null

  public ConvPositionEmbedding(ParamStore store, ModelConfig cfg, Frontend inner, int kernel) {
    Preconditions.checkArgument(kernel >= 1 && kernel % 2 == 1, "the position convolution needs an odd kernel "
        + ">= 1 (centred), got %s", kernel);
    this.inner = inner;
    this.kernel = kernel;
    this.dModel = cfg.dModel();
    // fan-in K per output (depthwise): std 1/√K keeps the output on the scale of the input
    this.weight = store.declare("pos_conv.W", new long[] {kernel, dModel}, ParamStore.Init.NORMAL,
        1.0 / Math.sqrt(kernel), true);
    this.bias = store.declare("pos_conv.b", new long[] {1, dModel}, ParamStore.Init.ZEROS, 0, false);
    this.buf = new Buffers(store.dtype());
  }

  /** {@code inner} followed by the position convolution of {@code kernel} taps; kernel 0 = {@code inner} alone. */
  public static FrontendFactory factory(FrontendFactory inner, int kernel) {
    if (kernel == 0) {
      return inner;
    }
    return (store, cfg) -> new ConvPositionEmbedding(store, cfg, inner.create(store, cfg), kernel);
  }

  @Override
  public INDArray forward(Batch batch, boolean training) {
    INDArray e = inner.forward(batch, training);                     // [n, C]
    int n = batch.positions();
    int seq = batch.seq();
    int c = dModel;
    int h = kernel / 2;
    pad = batch.padding();
    in = flat(e);
    if (pad != null) {
      for (int r = 0; r < n; r++) {
        if (pad[r]) {
          java.util.Arrays.fill(in, r * c, (r + 1) * c, 0);
        }
      }
    }
    double[] w = flat(weight.value()); // [K·C] row-major
    double[] b = flat(bias.value());
    double[] out = flat(e);
    z = new double[n * c];
    for (int r = 0; r < n; r++) {
      if (pad != null && pad[r]) {
        continue;
      }
      int t = r % seq;
      int base = r - t;
      System.arraycopy(b, 0, z, r * c, c);
      for (int k = 0; k < kernel; k++) {
        int s = t + k - h;
        if (s < 0 || s >= seq) {
          continue;
        }
        int from = (base + s) * c;
        for (int j = 0; j < c; j++) {
          z[r * c + j] += w[k * c + j] * in[from + j];
        }
      }
      for (int j = 0; j < c; j++) {
        out[r * c + j] += gelu(z[r * c + j]);
      }
    }
    return buf.get("out", n, c).assign(Nd4j.create(out, new long[] {n, c}, DataType.DOUBLE));
  }

  @Override
  public void backward(Batch batch, INDArray dOut) {
    int n = batch.positions();
    int seq = batch.seq();
    int c = dModel;
    int h = kernel / 2;
    double[] d = flat(dOut); // [n·C]
    double[] w = flat(weight.value());
    double[] dw = new double[kernel * c];
    double[] db = new double[c];
    double[] dIn = d.clone(); // the residual path
    for (int r = 0; r < n; r++) {
      if (pad != null && pad[r]) {
        continue;
      }
      int t = r % seq;
      int base = r - t;
      double[] dz = new double[c];
      for (int j = 0; j < c; j++) {
        dz[j] = d[r * c + j] * geluGrad(z[r * c + j]);
        db[j] += dz[j];
      }
      for (int k = 0; k < kernel; k++) {
        int s = t + k - h;
        if (s < 0 || s >= seq || pad != null && pad[base + s]) {
          continue; // outside the sequence or padded: no input there
        }
        int from = (base + s) * c;
        for (int j = 0; j < c; j++) {
          dw[k * c + j] += dz[j] * in[from + j];
          dIn[from + j] += dz[j] * w[k * c + j];
        }
      }
    }
    weight.grad().addi(Nd4j.create(dw, new long[] {kernel, c}, DataType.DOUBLE).castTo(weight.grad().dataType()));
    bias.grad().addi(Nd4j.create(db, new long[] {1, c}, DataType.DOUBLE).castTo(bias.grad().dataType()));
    INDArray dE = buf.get("d_inner", n, c).assign(Nd4j.create(dIn, new long[] {n, c}, DataType.DOUBLE));
    inner.backward(batch, dE);
  }

  @Override
  public INDArray output(long n) {
    return buf.get("out", n, dModel);
  }

  /** The frontend this convolution sits on. */
  public Frontend inner() {
    return inner;
  }

  /** Row-major copy of {@code a} as doubles. */
  private static double[] flat(INDArray a) {
    return Nd4j.toFlattened('c', a.castTo(DataType.DOUBLE)).toDoubleVector();
  }

  /** GELU, tanh approximation. */
  public static double gelu(double x) {
    return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
  }

  /** d GELU / dx of {@link #gelu}. */
  public static double geluGrad(double x) {
    double u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
    double th = Math.tanh(u);
    return 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
  }
}
