package org.anisoscope.model;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The fused residual layer norm ({@link LayerNorm#forward(INDArray, INDArray, INDArray)},
 * {@link LayerNorm#backward(INDArray, INDArray, INDArray)}) gives bit for bit what the separate add and layer norm
 * give on the float32 kernels: seeded runs and resumed checkpoints depend on it. Rows of whole SIMD vectors and with
 * ragged tails, split across the threads.
 */
class ResidualLayerNormTest {
  private int minPart;

  @BeforeEach
  void requireKernels() {
    Assumptions.assumeTrue(Kernels.enabled(), "fused kernels unavailable in this JVM");
    minPart = Kernels.setMinPartElements(8);
  }

  @AfterEach
  void restore() {
    Kernels.setMinPartElements(minPart);
  }

  private static INDArray rand(long seed, int n, int dim) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.randn(DataType.FLOAT, n, dim);
  }

  @ParameterizedTest(name = "rows {0}, dim {1}")
  @CsvSource({"7, 16", "9, 13", "33, 128"})
  void fusedEqualsTheSeparateSteps(int n, int dim) {
    ParamStore store = new ParamStore(DataType.FLOAT);
    LayerNorm fused = new LayerNorm(store, "a", dim);
    LayerNorm plain = new LayerNorm(store, "b", dim);
    store.allocate(1);
    INDArray g = rand(9, 1, dim).muli(0.3).addi(1);
    INDArray b = rand(10, 1, dim).muli(0.3);
    store.params().forEach(p -> p.value().assign(p.name().endsWith("gamma") ? g : b));
    INDArray x = rand(1, n, dim).muli(2).addi(0.5);
    INDArray a = rand(2, n, dim);
    INDArray sumFused = Nd4j.create(DataType.FLOAT, n, dim);
    INDArray yFused = fused.forward(x, a, sumFused).dup();
    INDArray sumPlain = Nd4j.create(DataType.FLOAT, n, dim);
    Kernels.add(x, a, sumPlain);
    INDArray yPlain = plain.forward(sumPlain).dup();
    assertArrayEquals(sumPlain.data().asFloat(), sumFused.data().asFloat(), "sum");
    assertArrayEquals(yPlain.data().asFloat(), yFused.data().asFloat(), "y");

    INDArray dy = rand(3, n, dim);
    INDArray resid = rand(4, n, dim);
    store.zeroGrads();
    INDArray outFused = Nd4j.create(DataType.FLOAT, n, dim);
    fused.backward(dy, resid, outFused);
    INDArray outPlain = Nd4j.create(DataType.FLOAT, n, dim);
    Kernels.add(resid, plain.backward(dy), outPlain);
    assertArrayEquals(outPlain.data().asFloat(), outFused.data().asFloat(), "dx");
    assertNotEquals(0.0, outFused.sub(resid).norm2Number().doubleValue(), "the layer norm's dx is added");
    java.util.Map<String, INDArray> grad = new java.util.HashMap<>();
    store.params().forEach(p -> grad.put(p.name(), p.grad()));
    for (String p : new String[] {"gamma", "beta"}) {
      assertArrayEquals(grad.get("b." + p).toFloatVector(), grad.get("a." + p).toFloatVector(), "d" + p);
      assertNotEquals(0.0, grad.get("a." + p).norm2Number().doubleValue(), "d" + p + " accumulated");
    }
  }
}
