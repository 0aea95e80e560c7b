package org.anisoscope.objective;

import org.anisoscope.data.Batch;
import org.anisoscope.model.Buffers;
import org.anisoscope.model.Kernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Mean token cross-entropy over the positions whose target is not {@link Batch#IGNORE}, computed stably
 * ({@code loss_i = logsumexp(z_i) − z_i[t_i]}), with its gradient {@code (softmax(z) − onehot(t)) / n_valid}.
 */
final class SoftmaxCrossEntropy {
  private final int classes;
  private final Buffers buf;
  private double validCount;
  private int[] fusedTargets; // the last forward's targets (−1 = ignored) when the fused kernel ran, else null

  SoftmaxCrossEntropy(DataType dtype, int classes) {
    this.classes = classes;
    this.buf = new Buffers(dtype);
  }

  /**
   * @param logits {@code [n, V]}
   * @param targets n class ids or {@link Batch#IGNORE}
   * @return mean loss over valid positions (0 when there are none)
   */
  double forward(INDArray logits, int[] targets) {
    int n = targets.length;
    INDArray probs = buf.get("probs", n, classes);  // [n, V]
    INDArray oneHot = buf.get("onehot", n, classes);
    INDArray weight = buf.get("weight", n, 1);      // 1 for a valid target, else 0
    int[] safe = new int[n];
    double[] w = new double[n];
    validCount = 0;
    for (int i = 0; i < n; i++) {
      boolean valid = targets[i] != Batch.IGNORE;
      if (valid && (targets[i] < 0 || targets[i] >= classes)) {
        throw new IllegalArgumentException("target id " + targets[i] + " outside [0, " + classes + ")");
      }
      safe[i] = valid ? targets[i] : 0;
      w[i] = valid ? 1 : 0;
      validCount += w[i];
    }
    if (Kernels.fusedCrossEntropy(logits, probs, buf.get("dlogits", n, classes))) {
      int[] t = new int[n];
      for (int i = 0; i < n; i++) {
        t[i] = w[i] > 0 ? safe[i] : -1;
      }
      double total = 0;
      for (double l : Kernels.crossEntropy(logits, t, probs)) {
        total += l;
      }
      fusedTargets = t;
      return validCount == 0 ? 0.0 : total / validCount;
    }
    fusedTargets = null;
    weight.assign(Nd4j.create(w, new long[] {n, 1}, DataType.DOUBLE));
    Nd4j.exec(new OneHot(Nd4j.createFromArray(safe), oneHot, classes));
    oneHot.muliColumnVector(weight);

    INDArray max = logits.max(true, 1);             // [n, 1]
    probs.assign(logits).subiColumnVector(max);
    Nd4j.exec(new Exp(probs, probs));
    INDArray sumExp = probs.sum(true, 1);            // [n, 1]
    probs.diviColumnVector(sumExp);
    INDArray lse = Transforms.log(sumExp, false).addi(max);   // [n, 1]
    double picked = logits.mul(oneHot).sumNumber().doubleValue();  // Σ_valid z_i[t_i]
    double total = lse.muli(weight).sumNumber().doubleValue() - picked;
    return validCount == 0 ? 0.0 : total / validCount;
  }

  /** dLogits {@code [n, V]} for the last forward; a buffer owned by this object. */
  INDArray backward(int n) {
    INDArray probs = buf.get("probs", n, classes);
    INDArray oneHot = buf.get("onehot", n, classes);
    INDArray weight = buf.get("weight", n, 1);
    INDArray d = buf.get("dlogits", n, classes);
    double scale = validCount == 0 ? 0.0 : 1.0 / validCount;
    if (fusedTargets != null && fusedTargets.length == n) {
      Kernels.crossEntropyBackward(probs, fusedTargets, scale, d);
      return d;
    }
    d.assign(probs).muliColumnVector(weight).subi(oneHot).muli(scale);
    return d;
  }

  /** Softmax probabilities of the last forward, {@code [n, V]}. */
  INDArray probabilities(int n) {
    return buf.get("probs", n, classes);
  }

  double validCount() {
    return validCount;
  }

  /** Top-1 accuracy of {@code logits [n, V]} over the positions whose target is not {@link Batch#IGNORE}; NaN if none. */
  static double accuracy(INDArray logits, int[] targets) {
    long[] predicted = logits.argMax(1).toLongVector();  // [n]
    int counted = 0;
    int correct = 0;
    for (int i = 0; i < targets.length; i++) {
      if (targets[i] != Batch.IGNORE) {
        counted++;
        correct += predicted[i] == targets[i] ? 1 : 0;
      }
    }
    return counted == 0 ? Double.NaN : (double) correct / counted;
  }
}
