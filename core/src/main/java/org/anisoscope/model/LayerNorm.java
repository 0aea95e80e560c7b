package org.anisoscope.model;

import com.google.common.base.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Layer normalisation over the last dimension (Ba et al. 2016): {@code y = γ ⊙ (x − μ)/σ + β}, ε = 1e-5 as in
 * PyTorch. Keeps 1/σ and, on the fused float32 path, the row means (the backward pass recomputes x̂ from the input,
 * which the caller keeps), else x̂, for the backward pass.
 */
public final class LayerNorm {
  private static final double EPS = 1e-5;
  private final Param gamma;
  private final Param beta;
  private final int dim;
  private final Buffers buf;
  private final Buffers scratch;
  private final String dxKey;
  // The input of the last forward pass when it kept the row means instead of x̂ (the fused path); null when it
  // kept x̂. The backward pass follows the path the forward pass took.
  private INDArray lastInput;

  LayerNorm(ParamStore store, String name, int dim) {
    this.dim = dim;
    this.gamma = store.declare(name + ".gamma", new long[] {1, dim}, ParamStore.Init.ONES, 0, false);
    this.beta = store.declare(name + ".beta", new long[] {1, dim}, ParamStore.Init.ZEROS, 0, false);
    this.buf = new Buffers(store.dtype());
    this.scratch = store.scratch();
    this.dxKey = Buffers.role(name) + ".dx";
  }

  /** @param x {@code [n, dim]} @return y {@code [n, dim]}, a buffer owned by this layer */
  INDArray forward(INDArray x) {
    long n = x.size(0);
    INDArray rstd = buf.get("rstd", n, 1);     // [n, 1]
    INDArray y = buf.get("y", n, dim);         // [n, dim]
    if (Kernels.layerNormFusion() && Kernels.fused(x, y, rstd)) {
      return forwardKeepMean(x, null, null, y, rstd);
    }
    lastInput = null;
    INDArray xhat = buf.get("xhat", n, dim);   // [n, dim]
    if (Kernels.fused(x, xhat, y, rstd)) {
      Kernels.layerNormForward(x, Kernels.read(gamma.value()), Kernels.read(beta.value()), EPS, xhat, y, rstd,
          (int) n, dim);
      return y;
    }
    // (the reference path's temporaries: the fused kernel needs neither)
    INDArray mean = buf.get("mean", n, 1);     // [n, 1]
    INDArray sq = buf.get("tmp", n, dim);      // [n, dim]
    x.mean(mean, true, 1);
    xhat.assign(x).subiColumnVector(mean);
    sq.assign(xhat).muli(xhat).mean(rstd, true, 1);
    rstd.addi(EPS);                            // σ² + ε
    Transforms.sqrt(rstd, false).rdivi(1.0);   // 1/σ
    xhat.muliColumnVector(rstd);
    y.assign(xhat).muliRowVector(gamma.value()).addiRowVector(beta.value());
    return y;
  }

  /**
   * The residual add and the layer norm after it: {@code sum = x + add}, then {@link #forward(INDArray)} of sum (one
   * pass over the rows on the fused path, the same bits as the two steps).
   *
   * @param x {@code [n, dim]}
   * @param add {@code [n, dim]}
   * @param sum {@code [n, dim]}, written (the residual stream; not x or add); must stay unchanged until the backward
   *     pass, which reads it on the fused path
   * @return y {@code [n, dim]}, a buffer owned by this layer
   */
  INDArray forward(INDArray x, INDArray add, INDArray sum) {
    long n = x.size(0);
    INDArray rstd = buf.get("rstd", n, 1);     // [n, 1]
    INDArray y = buf.get("y", n, dim);         // [n, dim]
    if (Kernels.layerNormFusion() && Kernels.fused(x, add, sum, y, rstd)) {
      return forwardKeepMean(x, add, sum, y, rstd);
    }
    Kernels.add(x, add, sum);
    return forward(sum);
  }

  /**
   * The fused pass that keeps the row means, not x̂ ([n, dim] floats less written and held): the backward pass
   * recomputes x̂ from the normalised input, which the caller keeps intact (the block's residual stream).
   */
  private INDArray forwardKeepMean(INDArray x, INDArray add, INDArray sum, INDArray y, INDArray rstd) {
    long n = x.size(0);
    INDArray mean = buf.get("mean", n, 1);     // [n, 1]
    Kernels.layerNormForwardKeepMean(x, add, sum, Kernels.read(gamma.value()), Kernels.read(beta.value()), EPS,
        mean, y, rstd, (int) n, dim);
    lastInput = add == null ? x : sum;
    return y;
  }

  /**
   * {@link #backward(INDArray)} with the gradient of the residual path around this layer norm added:
   * {@code out = residual + dx} (one pass on the fused path, the same bits as the separate add).
   *
   * @param dy {@code [n, dim]}
   * @param residual {@code [n, dim]}
   * @param out {@code [n, dim]}, written (not dy or residual)
   * @return out
   */
  INDArray backward(INDArray dy, INDArray residual, INDArray out) {
    if (lastInput != null && Kernels.fused(dy, residual, out)) {
      return backwardFromInput(dy, residual, out);
    }
    Kernels.add(residual, backward(dy), out);
    return out;
  }

  /** The backward pass after {@link #forwardKeepMean}: x̂ from the input, out = dx (+ residual when not null). */
  private INDArray backwardFromInput(INDArray dy, INDArray residual, INDArray out) {
    long n = dy.size(0);
    INDArray mean = buf.get("mean", n, 1);
    INDArray rstd = buf.get("rstd", n, 1);
    Preconditions.checkState(lastInput.size(0) == n, "layer norm backward of %s rows after a forward pass of %s",
        n, lastInput.size(0));
    if (!Kernels.fused(dy, out) || residual != null && !Kernels.fused(residual)) {
      // (not met by the model's own buffers) x̂ materialised, then the reference path
      buf.get("xhat", n, dim).assign(lastInput).subiColumnVector(mean).muliColumnVector(rstd);
      lastInput = null;
      return residual == null ? backward(dy) : backward(dy, residual, out);
    }
    double[] dGamma = new double[dim];
    double[] dBeta = new double[dim];
    Kernels.layerNormBackwardFromInput(dy, lastInput, mean, rstd, Kernels.read(gamma.value()), residual, out, dGamma,
        dBeta, (int) n, dim);
    Kernels.addTo(gamma.grad(), dGamma);
    Kernels.addTo(beta.grad(), dBeta);
    return out;
  }

  /**
   * Accumulates dγ, dβ; returns dx = (1/σ)(dx̂ − mean(dx̂) − x̂·mean(dx̂ ⊙ x̂)), dx̂ = dy ⊙ γ.
   *
   * @param dy {@code [n, dim]}
   * @return dx {@code [n, dim]}, valid until this layer's role runs its backward pass again (next block down)
   */
  INDArray backward(INDArray dy) {
    long n = dy.size(0);
    INDArray dx = scratch.get(dxKey, n, dim);
    if (lastInput != null) {
      return backwardFromInput(dy, null, dx);
    }
    INDArray xhat = buf.get("xhat", n, dim);
    INDArray rstd = buf.get("rstd", n, 1);
    if (Kernels.fused(dy, xhat, rstd, dx)) {
      double[] dGamma = new double[dim];
      double[] dBeta = new double[dim];
      Kernels.layerNormBackward(dy, xhat, rstd, Kernels.read(gamma.value()), dx, dGamma, dBeta, (int) n, dim);
      Kernels.addTo(gamma.grad(), dGamma);
      Kernels.addTo(beta.grad(), dBeta);
      return dx;
    }
    INDArray tmp = buf.get("tmp", n, dim);
    INDArray a = buf.get("a", n, 1);
    INDArray b = buf.get("b", n, 1);
    tmp.assign(dy).muli(xhat);
    buf.addColumnSums(tmp, gamma.grad());  // dγ += Σ_rows dy ⊙ x̂
    buf.addColumnSums(dy, beta.grad());    // dβ += Σ_rows dy
    dx.assign(dy).muliRowVector(gamma.value());  // dx̂
    dx.mean(a, true, 1);
    tmp.assign(dx).muli(xhat).mean(b, true, 1);
    tmp.assign(xhat).muliColumnVector(b);
    dx.subiColumnVector(a).subi(tmp).muliColumnVector(rstd);
    return dx;
  }

  /** The normalised output of the last forward pass of {@code n} rows. */
  INDArray output(long n) {
    return buf.get("y", n, dim);
  }
}
