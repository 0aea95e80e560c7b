package org.anisoscope.model;

import com.google.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One freshly initialised Transformer block, forward only, for the untrained-block experiment (Godey et al. 2024,
 * "untrained Transformer block"): every weight matrix N(0, std) (BERT: 0.02, the output projections too, unlike the
 * trained models' GPT-2 scaling), biases 0, LayerNorm gains 1. {@link Layout#POST_LN} is BERT's block,
 * {@code LN₂(h + MLP(h))} with {@code h = LN₁(x + Attn(x))}, so the drift reaches the queries and keys unnormalised;
 * {@link Layout#PRE_LN} is this framework's (GPT-2) block, whose LN₁ removes most of it.
 */
public final class UntrainedBlock {
  /** Where the LayerNorms sit. */
  public enum Layout { POST_LN, PRE_LN }

  private final Layout layout;
  private final int dModel;
  private final LayerNorm ln1;
  private final SelfAttention attn;
  private final LayerNorm ln2;
  private final Mlp mlp;
  private final Buffers buf = new Buffers(DataType.FLOAT);
  private final ParamStore store = new ParamStore(DataType.FLOAT);

  public UntrainedBlock(int dModel, int heads, int dFf, boolean causal, Layout layout, double std, long seed) {
    Preconditions.checkArgument(dModel % heads == 0, "d-model %s is not a multiple of heads %s", dModel, heads);
    this.layout = layout;
    this.dModel = dModel;
    this.ln1 = new LayerNorm(store, "ln1", dModel);
    this.attn = new SelfAttention(store, "attn", dModel, heads, causal, 0.0, std, std);
    this.ln2 = new LayerNorm(store, "ln2", dModel);
    this.mlp = new Mlp(store, "mlp", dModel, dFf, std, std);
    store.allocate(seed);
  }

  /** Sets the factor on the attention logits (1 = scaled dot-product attention as initialised). */
  public void setTemperature(double temperature) {
    attn.setTemperature(temperature);
  }

  /**
   * @param x {@code [B·T, C]} float32 input vectors
   * @return the block's output {@code [B·T, C]}, a buffer owned by this block
   */
  public INDArray forward(INDArray x, int batch, int seq) {
    Preconditions.checkArgument(x.rank() == 2 && x.size(0) == (long) batch * seq && x.size(1) == dModel,
        "input shape %s, expected [%s, %s]", java.util.Arrays.toString(x.shape()), (long) batch * seq, dModel);
    long n = x.size(0);
    INDArray sum1 = buf.get("sum1", n, dModel);
    INDArray sum2 = buf.get("sum2", n, dModel);
    if (layout == Layout.POST_LN) {
      Kernels.add(x, attn.forward(x, batch, seq, false), sum1);       // x + Attn(x)
      INDArray h = ln1.forward(sum1);
      Kernels.add(h, mlp.forward(h), sum2);                            // h + MLP(h)
      return ln2.forward(sum2);
    }
    Kernels.add(x, attn.forward(ln1.forward(x), batch, seq, false), sum1);
    Kernels.add(sum1, mlp.forward(ln2.forward(sum1)), sum2);
    return sum2;
  }

  /** hook_pattern of the last forward pass: {@code [B, H, T, T]}. */
  public INDArray pattern(int batch, int seq) {
    return attn.pattern(batch, seq);
  }

  public long parameters() {
    return store.count();
  }
}
