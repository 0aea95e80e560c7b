package org.anisoscope.train;

import org.anisoscope.model.Kernels;
import org.anisoscope.model.ParamStore;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * AdamW (Loshchilov & Hutter 2019, Algorithm 2) over the flat parameter buffer: moments with bias correction,
 * decoupled weight decay {@code θ ← θ − lr·λ·θ} only where the store's decay mask is 1, as PyTorch's AdamW with
 * nanoGPT's parameter groups: every parameter with 2 or more dimensions decays (weight matrices and the token and
 * position embeddings), LayerNorm gains and biases do not. {@code train.decay-embeddings = false} leaves the
 * embeddings out (this project's behaviour before it followed nanoGPT).
 */
public final class AdamW {
  private final ParamStore store;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final INDArray decayMask; // [1, P]
  private final INDArray m;   // [1, P] first moment
  private final INDArray v;   // [1, P] second moment
  private final INDArray tmp; // [1, P]
  private final INDArray tmp2;
  private long t;

  /** nanoGPT's groups: the embeddings decay too. */
  public AdamW(ParamStore store, double beta1, double beta2, double eps, double weightDecay) {
    this(store, beta1, beta2, eps, weightDecay, true);
  }

  public AdamW(ParamStore store, double beta1, double beta2, double eps, double weightDecay,
      boolean decayEmbeddings) {
    this.store = store;
    this.decayMask = store.decayMask(decayEmbeddings);
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
    if (Kernels.fusedAdamW(p, g, m, v, decayMask)) {
      Kernels.adamw(p, g, m, v, decayMask, lr, weightDecay, beta1, beta2, bc1, bc2, eps);
      return;
    }
    // Decoupled decay first, on the pre-update weights (PyTorch order).
    if (weightDecay > 0) {
      tmp.assign(p).muli(decayMask).muli(lr * weightDecay);
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

  /** The optimizer a run's {@code train.*} settings describe (ε = 1e-8, as PyTorch's default). */
  public static AdamW of(ParamStore store, org.anisoscope.config.TrainSettings ts) {
    return new AdamW(store, ts.beta1(), ts.beta2(), 1e-8, ts.weightDecay(), ts.decayEmbeddings());
  }

  /** 1 where weight decay applies; flat {@code [1, P]}. */
  public INDArray decayMask() {
    return decayMask;
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
