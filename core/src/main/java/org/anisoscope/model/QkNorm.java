package org.anisoscope.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * QK-norm (Henry et al. 2020; Dehghani et al. 2023, ViT-22B): every query and key head vector is divided by its L2
 * norm, and the queries are multiplied by a learned per-head scale {@code g_h = √d_head · s_h} ({@code s_h} starts
 * at 1, so the logits {@code g_h · q̂·k̂} start on the scale of {@code q·k/√d_head} for unit-variance entries, in
 * {@code [−√d_head, √d_head]}). Queries and keys then cannot grow in norm; only their directions and the scale move.
 *
 * <p>Works in place on the {@code [B·T, 3C]} projection, before any attention path reads it, so the fused float32
 * kernel, the strided products and the reference path all see the normalised vectors (and the attention's logit
 * scale no longer divides by √d_head). The backward pass works in place on the projection's gradient:
 * {@code dx = (du − û (û·du)) / ‖x‖}.
 */
final class QkNorm {
  private static final double EPS = 1e-12; // ‖x‖ = √(Σx² + ε): finite for an all-zero head
  private final Param scale; // [1, H]
  private final int heads;
  private final int dHead;
  private final int dModel;
  private double[] unit = new double[0];   // [rows, 2C] the normalised q and k of the last forward pass
  private double[] norms = new double[0];  // [rows, 2H]
  private double[] work = new double[0];   // load/store
  private float[] floats = new float[0];

  QkNorm(ParamStore store, String name, int heads, int dHead) {
    this.heads = heads;
    this.dHead = dHead;
    this.dModel = heads * dHead;
    this.scale = store.declare(name, new long[] {1, heads}, ParamStore.Init.ONES, 0, false);
  }

  /** The scale multiplying query head h: {@code √d_head · s_h}. */
  double gain(int h) {
    return Math.sqrt(dHead) * scale.value().getDouble(0, h);
  }

  /** In place on the q and k columns of {@code qkv [rows, 3C]}: q ← g·q/‖q‖, k ← k/‖k‖, per head. */
  void forward(INDArray qkv) {
    int rows = (int) qkv.size(0);
    if (unit.length < rows * 2 * dModel) {
      unit = new double[rows * 2 * dModel];
      norms = new double[rows * 2 * heads];
    }
    double[] g = gains();
    double[] a = load(qkv);
    for (int r = 0; r < rows; r++) {
      for (int p = 0; p < 2; p++) {
        for (int h = 0; h < heads; h++) {
          int at = r * 3 * dModel + p * dModel + h * dHead;
          int u = r * 2 * dModel + p * dModel + h * dHead;
          double ss = EPS;
          for (int i = 0; i < dHead; i++) {
            ss += a[at + i] * a[at + i];
          }
          double n = Math.sqrt(ss);
          norms[r * 2 * heads + p * heads + h] = n;
          double inv = 1.0 / n;
          double gh = p == 0 ? g[h] : 1.0;
          for (int i = 0; i < dHead; i++) {
            double ui = a[at + i] * inv;
            unit[u + i] = ui;
            a[at + i] = gh * ui;
          }
        }
      }
    }
    store(qkv, a);
  }

  /** In place on the q and k columns of {@code dQkv [rows, 3C]} (gradients w.r.t. the normalised vectors in). */
  void backward(INDArray dQkv) {
    int rows = (int) dQkv.size(0);
    double[] g = gains();
    double[] dScale = new double[heads];
    double[] a = load(dQkv);
    for (int r = 0; r < rows; r++) {
      for (int p = 0; p < 2; p++) {
        for (int h = 0; h < heads; h++) {
          int at = r * 3 * dModel + p * dModel + h * dHead;
          int u = r * 2 * dModel + p * dModel + h * dHead;
          double gh = p == 0 ? g[h] : 1.0;
          double dot = 0;   // û · dout
          for (int i = 0; i < dHead; i++) {
            dot += unit[u + i] * a[at + i];
          }
          if (p == 0) {
            dScale[h] += Math.sqrt(dHead) * dot;   // out = √d·s·û
          }
          double f = gh / norms[r * 2 * heads + p * heads + h];
          for (int i = 0; i < dHead; i++) {      // du = g·dout; dx = (du − û(û·du))/n
            a[at + i] = f * (a[at + i] - unit[u + i] * dot);
          }
        }
      }
    }
    store(dQkv, a);
    INDArray grad = scale.grad();
    for (int h = 0; h < heads; h++) {
      grad.putScalar(0, h, grad.getDouble(0, h) + dScale[h]);
    }
  }

  /**
   * The whole {@code [rows, 3C]} array as doubles in a reused Java array (plain loops over a Java array are what the
   * JIT compiles best; the projection's v columns come along, one bulk copy being cheaper than a strided one).
   */
  private double[] load(INDArray x) {
    int len = (int) x.length();
    if (work.length < len) {
      work = new double[len];
      floats = new float[len];
    }
    if (Blas.headsUsable(x) && x.dataType() == DataType.FLOAT) {
      FloatBuffer f = x.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
      f.get(0, floats, 0, len);
      for (int i = 0; i < len; i++) {
        work[i] = floats[i];
      }
    } else if (Blas.headsUsable(x) && x.dataType() == DataType.DOUBLE) {
      x.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer().get(0, work, 0, len);
    } else {
      System.arraycopy(x.dup('c').data().asDouble(), 0, work, 0, len);
    }
    return work;
  }

  /** Writes {@link #load}'s array back into {@code x}. */
  private void store(INDArray x, double[] w) {
    int len = (int) x.length();
    if (Blas.headsUsable(x) && x.dataType() == DataType.FLOAT) {
      for (int i = 0; i < len; i++) {
        floats[i] = (float) w[i];
      }
      x.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().put(0, floats, 0, len);
    } else if (Blas.headsUsable(x) && x.dataType() == DataType.DOUBLE) {
      x.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer().put(0, w, 0, len);
    } else {
      x.assign(Nd4j.create(java.util.Arrays.copyOf(w, len), x.shape(), x.dataType()));
    }
  }

  private double[] gains() {
    double[] g = new double[heads];
    for (int h = 0; h < heads; h++) {
      g[h] = gain(h);
    }
    return g;
  }
}
