package org.anisoscope.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Position-wise feed-forward block: Linear → GELU → Linear. GELU is the exact form
 * {@code x·Φ(x) = ½x(1 + erf(x/√2))} (Hendrycks & Gimpel 2016), as PyTorch's {@code nn.GELU()} used by nanoGPT.
 */
public final class Mlp {
  private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
  private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);
  private final Linear fc;
  private final Linear proj;
  private final int dFf;
  private final Buffers buf;
  // Whether the last forward pass was the fused one (then fc's output holds GELU(h), not h): the backward pass
  // must take the same path whatever its own arrays are.
  private boolean fusedLast;

  Mlp(ParamStore store, String name, int dModel, int dFf, double std, double projStd) {
    this.dFf = dFf;
    this.fc = new Linear(store, name + ".fc", dModel, dFf, true, std);
    this.proj = new Linear(store, name + ".proj", dFf, dModel, true, projStd);
    this.buf = new Buffers(store.dtype());
  }

  /** @param x {@code [n, C]} @return {@code [n, C]}, a buffer owned by this layer */
  INDArray forward(INDArray x) {
    long n = x.size(0);
    INDArray cdf = buf.get("cdf", n, dFf);       // Φ(h)
    fusedLast = Kernels.fused(x, cdf, fc.output(n));
    if (fusedLast) {
      // Fused: h = x W without the bias, which the kernel adds; "cdf" then holds GELU'(h + b) for the backward pass
      // and GELU(h + b) overwrites h in place (h is not needed again: one [n, F] buffer less per block).
      INDArray h = fc.forwardWithoutBias(x);
      Kernels.geluForward(h, fc.biasValue(), cdf, h);
      return proj.forward(h);
    }
    INDArray act = buf.get("act", n, dFf);       // GELU(h)
    {
      INDArray h = fc.forward(x);                // [n, F] pre-activation
      cdf.assign(h).muli(INV_SQRT2);
      Nd4j.exec(new Erf(cdf, cdf));
      cdf.addi(1.0).muli(0.5);
      act.assign(h).muli(cdf);
    }
    return proj.forward(act);
  }

  /**
   * @param x the forward input {@code [n, C]}
   * @param dOut {@code [n, C]}
   * @return dx {@code [n, C]}, a buffer owned by this layer
   */
  INDArray backward(INDArray x, INDArray dOut) {
    long n = x.size(0);
    INDArray cdf = buf.get("cdf", n, dFf);
    INDArray h = fc.output(n);                   // [n, F] pre-activation (fused path: the activation) of the forward pass
    if (fusedLast) {
      INDArray dAct = proj.backward(h, dOut);    // [n, F]; the fused forward pass left GELU(h) in h
      // GELU'(h) = Φ(h) + h·φ(h), kept in cdf
      fc.addBiasGrad(Kernels.geluBackward(cdf, dAct));
      return fc.backward(x, dAct, false);
    }
    INDArray act = buf.get("act", n, dFf);
    INDArray dAct = proj.backward(act, dOut);    // [n, F]
    {
      INDArray d = buf.get("dgelu", n, dFf);
      d.assign(h).muli(h).muli(-0.5);
      Nd4j.exec(new Exp(d, d));
      d.muli(INV_SQRT_2PI).muli(h).addi(cdf);
      dAct.muli(d);
    }
    return fc.backward(x, dAct);
  }
}
