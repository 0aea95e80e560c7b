package org.anisoscope.train;

import org.anisoscope.model.Kernels;
import org.anisoscope.model.ParamStore;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * AdamW (Loshchilov & Hutter 2019, Algorithm 2) over the flat parameter buffer: moments with bias correction,
 * decoupled weight decay {@code θ ← θ − lr·λ·θ} only where the store's decay mask is 1 (matrices; not LayerNorm,
 * biases or embeddings), as PyTorch's AdamW with nanoGPT's parameter groups.
 */
public final class AdamW {
  private final ParamStore store;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final INDArray m;   // [1, P] first moment
  private final INDArray v;   // [1, P] second moment
  private final INDArray tmp; // [1, P]
  private final INDArray tmp2;
  private long t;

  public AdamW(ParamStore store, double beta1, double beta2, double eps, double weightDecay) {
    this.store = store;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.m = Nd4j.create(store.dtype(), store.values().shape());
    this.v = Nd4j.create(store.dtype(), store.values().shape());
    this.tmp = Nd4j.create(store.dtype(), store.values().shape());
    this.tmp2 = Nd4j.create(store.dtype(), store.values().shape());
  }

  /** One update with learning rate {@code lr} from the store's current gradients. */
  public void step(double lr) {
    t++;
    INDArray p = store.values();
    INDArray g = store.grads();
    double bc1 = 1 - Math.pow(beta1, t);
    double bc2 = 1 - Math.pow(beta2, t);
    if (Kernels.fusedAdamW(p, g, m, v, store.decayMask())) {
      Kernels.adamw(p, g, m, v, store.decayMask(), lr, weightDecay, beta1, beta2, bc1, bc2, eps);
      return;
    }
    // Decoupled decay first, on the pre-update weights (PyTorch order).
    if (weightDecay > 0) {
      tmp.assign(p).muli(store.decayMask()).muli(lr * weightDecay);
      p.subi(tmp);
    }
    m.muli(beta1).addi(tmp.assign(g).muli(1 - beta1));
    v.muli(beta2).addi(tmp.assign(g).muli(g).muli(1 - beta2));
    // θ ← θ − lr · (m/bc1) / (√(v/bc2) + ε)
    tmp.assign(v).divi(bc2);
    Transforms.sqrt(tmp, false).addi(eps);
    tmp2.assign(m).divi(bc1).divi(tmp).muli(lr);
    p.subi(tmp2);
  }

  public long stepCount() {
    return t;
  }

  public INDArray firstMoment() {
    return m;
  }

  public INDArray secondMoment() {
    return v;
  }

  /** Restores state from a checkpoint. */
  public void restore(INDArray m, INDArray v, long t) {
    this.m.assign(m);
    this.v.assign(v);
    this.t = t;
  }
}
