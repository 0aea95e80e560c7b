package org.anisoscope.device;

import com.google.common.base.Preconditions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The Transformer of {@code org.anisoscope.model} (token + position embedding, pre-LN blocks of softmax attention and
 * a GELU MLP, final LayerNorm, token head with softmax cross-entropy) and its AdamW step, entirely in {@link Device}
 * operations on device buffers: parameters, gradients, moments and activations stay on the device; per step only the
 * token ids and targets go up and the row losses come down. It uses no ND4J, so it also runs where ND4J's natives
 * are absent (the GPU bundle of experiments/gpu-check.sh).
 *
 * <p>The arithmetic is the ND4J model's, op for op (the same fused CPU kernels on {@code CpuDevice}): the same
 * seeded weights give the same losses to float32 rounding. Differences: dropout masks come from {@link CounterRng}
 * (a pure function of the step's seed, the site and the element, the same on every device) instead of ND4J's
 * generator; the attention heads are products over strided views of the {@code [B·T, 3C]} projection, one batched
 * product per head.
 */
public final class DeviceModel implements AutoCloseable {
  private static final float EPS = 1e-5f; // LayerNorm's ε, as org.anisoscope.model.LayerNorm
  private final Device device;
  private final DeviceShape shape;
  private final List<DeviceParam> params = new ArrayList<>();
  private final Map<String, DeviceParam> byName = new HashMap<>();
  private final Map<Long, Activations> acts = new HashMap<>();
  private final DeviceParam wte;
  private final DeviceParam wpe;
  private final List<Block> blocks = new ArrayList<>();
  private final DeviceParam lnfG;
  private final DeviceParam lnfB;
  private final DeviceParam headW; // [C, V], null when tied to wte
  private final DeviceParam headB; // [1, V] or null
  private Activations last;        // the shape of the last forward pass
  private int[] lastTargets;       // of the last forward pass, −1 = no loss
  private double lastValid;
  private boolean droppedLast;    // whether the last forward pass dropped (training with dropout)
  private boolean lastKeyMask;    // whether it had a key mask
  private long adamSteps;
  private boolean optimizer;

  private record Block(DeviceParam ln1G, DeviceParam ln1B, DeviceParam qkvW, DeviceParam qkvB, DeviceParam projW,
      DeviceParam projB, DeviceParam ln2G, DeviceParam ln2B, DeviceParam fcW, DeviceParam fcB, DeviceParam outW,
      DeviceParam outB) {}

  /** Declares and allocates every parameter (zeros until {@link #initialise} or {@link #upload}). */
  public DeviceModel(Device device, DeviceShape shape) {
    this.device = device;
    this.shape = shape;
    long c = shape.dModel();
    double std = 0.02;
    double projStd = 0.02 / Math.sqrt(2.0 * shape.layers()); // GPT-2's scaled residual projections, as Block
    // Declaration order = the ND4J model's (frontend, blocks, ln_final, head), so initialise() matches ParamStore's.
    wte = embedding("wte", new long[] {shape.vocab(), c});
    wpe = embedding("wpe", new long[] {shape.context(), c});
    for (int l = 0; l < shape.layers(); l++) {
      String p = "blocks." + l;
      DeviceParam ln1G = gain(p + ".ln1.gamma", c);
      DeviceParam ln1B = bias(p + ".ln1.beta", c);
      DeviceParam qkvW = matrix(p + ".attn.qkv.W", c, 3 * c, std);
      DeviceParam qkvB = bias(p + ".attn.qkv.b", 3 * c);
      DeviceParam projW = matrix(p + ".attn.proj.W", c, c, projStd);
      DeviceParam projB = bias(p + ".attn.proj.b", c);
      DeviceParam ln2G = gain(p + ".ln2.gamma", c);
      DeviceParam ln2B = bias(p + ".ln2.beta", c);
      DeviceParam fcW = matrix(p + ".mlp.fc.W", c, shape.dFf(), std);
      DeviceParam fcB = bias(p + ".mlp.fc.b", shape.dFf());
      DeviceParam outW = matrix(p + ".mlp.proj.W", shape.dFf(), c, projStd);
      DeviceParam outB = bias(p + ".mlp.proj.b", c);
      blocks.add(new Block(ln1G, ln1B, qkvW, qkvB, projW, projB, ln2G, ln2B, fcW, fcB, outW, outB));
    }
    lnfG = gain("ln_final.gamma", c);
    lnfB = bias("ln_final.beta", c);
    headW = shape.tieEmbeddings() ? null : matrix(shape.headName() + ".W", c, shape.vocab(), std);
    headB = shape.headBias() ? bias(shape.headName() + ".b", shape.vocab()) : null;
  }

  private DeviceParam add(String name, long[] dims, boolean decay, boolean embedding, double std, boolean ones) {
    DeviceParam p = new DeviceParam(device, name, dims, decay, embedding, std, ones);
    params.add(p);
    byName.put(name, p);
    return p;
  }

  private DeviceParam embedding(String name, long[] dims) {
    return add(name, dims, true, true, 0.02, false);
  }

  private DeviceParam matrix(String name, long rows, long cols, double std) {
    return add(name, new long[] {rows, cols}, true, false, std, false);
  }

  private DeviceParam gain(String name, long n) {
    return add(name, new long[] {1, n}, false, false, 0, true);
  }

  private DeviceParam bias(String name, long n) {
    return add(name, new long[] {1, n}, false, false, 0, false);
  }

  /**
   * Initialises every parameter from {@code seed} exactly as {@code ParamStore.initialise} (SplittableRandom,
   * Box–Muller, declaration order), for runs without the ND4J model (the GPU benchmark).
   */
  public void initialise(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (DeviceParam p : params) {
      float[] v = new float[Math.toIntExact(p.length())];
      if (p.ones()) {
        java.util.Arrays.fill(v, 1f);
      } else if (p.std() > 0) {
        for (int i = 0; i < v.length; i++) {
          double u1 = random.nextDouble();
          double u2 = random.nextDouble();
          v[i] = (float) (Math.sqrt(-2.0 * Math.log1p(-u1)) * Math.cos(2.0 * Math.PI * u2) * p.std());
        }
      }
      device.upload(v, p.value);
    }
  }

  public List<DeviceParam> params() {
    return List.copyOf(params);
  }

  public DeviceShape shape() {
    return shape;
  }

  public Device device() {
    return device;
  }

  /** Copies {@code values} into parameter {@code name}. */
  public void upload(String name, float[] values) {
    DeviceParam p = param(name);
    Preconditions.checkArgument(values.length == p.length(), "parameter %s has %s values, got %s", name, p.length(),
        values.length);
    device.upload(values, p.value);
  }

  public float[] download(String name) {
    return device.download(param(name).value);
  }

  public float[] gradient(String name) {
    return device.download(param(name).grad);
  }

  private DeviceParam param(String name) {
    DeviceParam p = byName.get(name);
    Preconditions.checkArgument(p != null, "the device model has no parameter %s", name);
    return p;
  }

  private Activations acts(int batch, int seq) {
    Preconditions.checkArgument(seq <= shape.context(), "sequence length %s exceeds the context %s", seq,
        shape.context());
    return acts.computeIfAbsent(((long) batch << 32) | seq, k -> new Activations(device, shape, batch, seq));
  }

  /** A batch as the device model reads it: ids, targets (−1 = no loss), key padding (null = none). */
  public record Tokens(int batch, int seq, int[] tokens, int[] targets, boolean[] padding) {
    public Tokens {
      Preconditions.checkArgument(tokens.length == batch * seq, "%s tokens for a [%s, %s] batch", tokens.length,
          batch, seq);
      Preconditions.checkArgument(targets == null || targets.length == tokens.length, "%s targets for %s tokens",
          targets == null ? 0 : targets.length, tokens.length);
    }
  }

  /** The mean loss of a forward pass, and over how many positions it averages. */
  public record Loss(double loss, double valid) {}

  /**
   * Forward pass and loss. With {@code training} and dropout, site s of this step drops with the seed
   * {@code CounterRng.bits(stepSeed, s)}.
   */
  public Loss forward(Tokens b, boolean training, long stepSeed) {
    Activations a = acts(b.batch(), b.seq());
    last = a;
    for (int t : b.tokens()) {
      Preconditions.checkArgument(t >= 0 && t < shape.vocab(), "token id %s outside the vocabulary [0, %s)", t,
          shape.vocab());
    }
    boolean drop = training && shape.dropout() > 0;
    float p = (float) shape.dropout();
    int c = shape.dModel();
    int n = a.n;
    Device d = device;
    Device.Buf keyMask = keyMask(a, b.padding());
    droppedLast = drop;
    lastKeyMask = keyMask != null;
    d.embedForward(b.tokens(), wte.value, wpe.value, a.embed, b.seq(), c);
    Device.Buf x = a.embed;
    if (drop) {
      d.dropoutForward(a.embed, a.embedDrop, a.embedMask, p, CounterRng.bits(stepSeed, 0), (long) n * c);
      x = a.embedDrop;
    }
    for (int l = 0; l < blocks.size(); l++) {
      Block w = blocks.get(l);
      Activations.Layer o = a.layers.get(l);
      d.layerNormForward(x, w.ln1G.value, w.ln1B.value, EPS, o.xhat1, o.ln1, o.rstd1, n, c);
      linear(o.ln1, w.qkvW, w.qkvB, o.qkv, n, c, 3 * c);                   // [n, 3C]
      attentionForward(a, o, keyMask, drop ? CounterRng.bits(stepSeed, 1 + 3L * l) : 0, drop);
      linear(o.merged, w.projW, w.projB, o.attnOut, n, c, c);               // [n, C]
      Device.Buf ao = o.attnOut;
      if (drop) {
        d.dropoutForward(o.attnOut, o.attnDrop, o.attnMask, p, CounterRng.bits(stepSeed, 2 + 3L * l), (long) n * c);
        ao = o.attnDrop;
      }
      d.add(x, ao, o.mid, (long) n * c);                                     // mid = x + Drop(Attn(LN₁ x))
      d.layerNormForward(o.mid, w.ln2G.value, w.ln2B.value, EPS, o.xhat2, o.ln2, o.rstd2, n, c);
      int f = shape.dFf();
      d.gemm(false, false, n, f, c, 1f, o.ln2, 0, c, w.fcW.value, 0, f, 0f, o.fc, 0, f); // [n, F], bias in GELU
      d.geluForward(o.fc, w.fcB.value, o.geluGrad, o.act, n, f);
      linear(o.act, w.outW, w.outB, o.mlpOut, n, f, c);                     // [n, C]
      Device.Buf mo = o.mlpOut;
      if (drop) {
        d.dropoutForward(o.mlpOut, o.mlpDrop, o.mlpMask, p, CounterRng.bits(stepSeed, 3 + 3L * l), (long) n * c);
        mo = o.mlpDrop;
      }
      d.add(o.mid, mo, o.post, (long) n * c);                                // post = mid + Drop(MLP(LN₂ mid))
      x = o.post;
    }
    d.layerNormForward(x, lnfG.value, lnfB.value, EPS, a.xhatF, a.hidden, a.rstdF, n, c);
    int v = shape.vocab();
    if (headB != null) {
      d.setRows(a.logits, headB.value, n, v);
    }
    float beta = headB != null ? 1f : 0f;
    if (headW == null) {   // tied: logits = h wteᵀ
      d.gemm(false, true, n, v, c, 1f, a.hidden, 0, c, wte.value, 0, c, beta, a.logits, 0, v);
    } else {               // logits = h W, W [C, V]
      d.gemm(false, false, n, v, c, 1f, a.hidden, 0, c, headW.value, 0, v, beta, a.logits, 0, v);
    }
    if (b.targets() == null) {
      lastTargets = null;
      return new Loss(Double.NaN, 0);
    }
    int[] t = new int[n];
    double valid = 0;
    for (int i = 0; i < n; i++) {
      int target = b.targets()[i];
      Preconditions.checkArgument(target < v, "target id %s outside [0, %s)", target, v);
      t[i] = target < 0 ? -1 : target;
      valid += target < 0 ? 0 : 1;
    }
    double total = 0;
    for (double rowLoss : d.crossEntropy(a.logits, t, a.probs, n, v)) {
      total += rowLoss;
    }
    lastTargets = t;
    lastValid = valid;
    return new Loss(valid == 0 ? 0.0 : total / valid, valid);
  }

  /** {@code y = x W + b}: y ← b row by row, then the product adds into it (β = 1), as {@code Linear}. */
  private void linear(Device.Buf x, DeviceParam w, DeviceParam b, Device.Buf y, int n, int in, int out) {
    device.setRows(y, b.value, n, out);
    device.gemm(false, false, n, out, in, 1f, x, 0, in, w.value, 0, out, 1f, y, 0, out);
  }

  private Device.Buf keyMask(Activations a, boolean[] padding) {
    if (padding == null) {
      return null;
    }
    Preconditions.checkArgument(padding.length == a.n, "key padding has %s entries, batch [%s, %s]",
        padding.length, a.batch, a.seq);
    float[] m = new float[a.n];
    for (int i = 0; i < m.length; i++) {
      m[i] = padding[i] ? 0f : 1f;
    }
    device.upload(m, a.keyMask);
    return a.keyMask;
  }

  /**
   * P = softmax(scale·q kᵀ) per head, y = Drop(P) v into {@code merged}: q, k, v are read in place from the
   * {@code [B·T, 3C]} projection (head h of part p at column p·C + h·D), one batched product over the B sequences per
   * head; P {@code [B, H, T, T]}.
   */
  private void attentionForward(Activations a, Activations.Layer o, Device.Buf keyMask, long seed, boolean drop) {
    int t = a.seq;
    int h = shape.heads();
    int dh = shape.dHead();
    int c = shape.dModel();
    long tt = (long) t * t;
    long rowStride = (long) t * 3 * c; // one sequence of the projection
    for (int head = 0; head < h; head++) {
      device.gemmStridedBatched(a.batch, false, true, t, t, dh, 1f, o.qkv, (long) head * dh, 3 * c, rowStride,
          o.qkv, c + (long) head * dh, 3 * c, rowStride, 0f, o.pattern, head * tt, t, h * tt);
    }
    device.softmaxForward(o.pattern, o.pattern, a.batch * h * t, t, shape.logitScale(), shape.causal(), keyMask,
        h * t);
    Device.Buf used = o.pattern;
    if (drop) {
      device.dropoutForward(o.pattern, o.patternDrop, o.patternMask, (float) shape.dropout(), seed,
          (long) a.batch * h * tt);
      used = o.patternDrop;
    }
    for (int head = 0; head < h; head++) {
      device.gemmStridedBatched(a.batch, false, false, t, dh, t, 1f, used, head * tt, t, h * tt, o.qkv,
          2L * c + (long) head * dh, 3 * c, rowStride, 0f, o.merged, (long) head * dh, c, (long) t * c);
    }
  }

  /** Clears every gradient. */
  public void zeroGrads() {
    for (DeviceParam p : params) {
      device.fill(p.grad, 0f);
    }
  }

  /** Backward pass of the last training {@link #forward} (with targets): accumulates every gradient. */
  public void backward(Tokens b) {
    Activations a = last;
    Preconditions.checkState(a != null && a.batch == b.batch() && a.seq == b.seq() && lastTargets != null,
        "backward without a forward pass with targets of this batch shape");
    Activations.Grads g = a.grads();
    Device d = device;
    int n = a.n;
    int c = shape.dModel();
    int v = shape.vocab();
    int f = shape.dFf();
    long nc = (long) n * c;
    boolean drop = droppedLast;
    d.crossEntropyBackward(a.probs, lastTargets, lastValid == 0 ? 0f : (float) (1.0 / lastValid), g.dLogits, n, v);
    if (headB != null) {
      d.addColumnSums(g.dLogits, headB.grad, n, v);                              // db += Σ_rows dL
    }
    if (headW == null) {
      d.gemm(true, false, v, c, n, 1f, g.dLogits, 0, v, a.hidden, 0, c, 1f, wte.grad, 0, c);   // dW [V, C] += dLᵀ h
      d.gemm(false, false, n, c, v, 1f, g.dLogits, 0, v, wte.value, 0, c, 0f, g.dHidden, 0, c); // dh = dL W
    } else {
      d.gemm(true, false, c, v, n, 1f, a.hidden, 0, c, g.dLogits, 0, v, 1f, headW.grad, 0, v); // dW [C, V] += hᵀ dL
      d.gemm(false, true, n, c, v, 1f, g.dLogits, 0, v, headW.value, 0, v, 0f, g.dHidden, 0, c); // dh = dL Wᵀ
    }
    d.layerNormBackward(g.dHidden, a.xhatF, a.rstdF, lnfG.value, g.dPost, lnfG.grad, lnfB.grad, n, c);
    for (int l = blocks.size() - 1; l >= 0; l--) {
      Block w = blocks.get(l);
      Activations.Layer o = a.layers.get(l);
      Device.Buf input = l > 0 ? a.layers.get(l - 1).post : drop ? a.embedDrop : a.embed;
      // post = mid + Drop(MLP(LN₂ mid))
      Device.Buf dm = g.dPost;
      if (drop) {
        d.mul(g.dPost, o.mlpMask, g.dTmp, nc);
        dm = g.dTmp;
      }
      linearBackward(o.act, dm, w.outW, w.outB, g.dAct, n, f, c);           // dAct [n, F]
      d.geluBackward(o.geluGrad, g.dAct, w.fcB.grad, n, f);                  // dAct ← dH, db_fc += Σ dH
      d.gemm(true, false, c, f, n, 1f, o.ln2, 0, c, g.dAct, 0, f, 1f, w.fcW.grad, 0, f);   // dW_fc += LN₂ᵀ dH
      d.gemm(false, true, n, c, f, 1f, g.dAct, 0, f, w.fcW.value, 0, f, 0f, g.dH, 0, c);   // dLN₂ = dH W_fcᵀ
      d.layerNormBackward(g.dH, o.xhat2, o.rstd2, w.ln2G.value, g.dLn, w.ln2G.grad, w.ln2B.grad, n, c);
      d.add(g.dPost, g.dLn, g.dMid, nc);
      // mid = x + Drop(Attn(LN₁ x))
      Device.Buf da = g.dMid;
      if (drop) {
        d.mul(g.dMid, o.attnMask, g.dTmp, nc);
        da = g.dTmp;
      }
      linearBackward(o.merged, da, w.projW, w.projB, g.dMerged, n, c, c);
      attentionBackward(a, o, g, drop);
      linearBackward(o.ln1, g.dQkv, w.qkvW, w.qkvB, g.dH, n, c, 3 * c);     // dLN₁ [n, C]
      d.layerNormBackward(g.dH, o.xhat1, o.rstd1, w.ln1G.value, g.dLn, w.ln1G.grad, w.ln1B.grad, n, c);
      d.add(g.dMid, g.dLn, g.dPost, nc);                                     // dx: the next layer's dPost
    }
    Device.Buf dEmbed = g.dPost;
    if (drop) {
      d.mul(g.dPost, a.embedMask, g.dTmp, nc);
      dEmbed = g.dTmp;
    }
    d.embedBackward(b.tokens(), dEmbed, wte.grad, wpe.grad, b.seq(), c);
  }

  /** Of {@code y = x W + b}: db += Σ_rows dy, dW += xᵀ dy, dx = dy Wᵀ. */
  private void linearBackward(Device.Buf x, Device.Buf dy, DeviceParam w, DeviceParam b, Device.Buf dx, int n,
      int in, int out) {
    device.addColumnSums(dy, b.grad, n, out);
    device.gemm(true, false, in, out, n, 1f, x, 0, in, dy, 0, out, 1f, w.grad, 0, out);
    device.gemm(false, true, n, in, out, 1f, dy, 0, out, w.value, 0, out, 0f, dx, 0, in);
  }

  /** dq, dk, dv into {@code dQkv [n, 3C]} from {@code dMerged}, per head over strided views (as the forward). */
  private void attentionBackward(Activations a, Activations.Layer o, Activations.Grads g, boolean drop) {
    int t = a.seq;
    int h = shape.heads();
    int dh = shape.dHead();
    int c = shape.dModel();
    long tt = (long) t * t;
    long rowStride = (long) t * 3 * c;
    long mergedStride = (long) t * c;
    Device.Buf used = drop ? o.patternDrop : o.pattern;
    for (int head = 0; head < h; head++) {
      long hq = (long) head * dh;
      // dv = Drop(P)ᵀ dy
      device.gemmStridedBatched(a.batch, true, false, t, dh, t, 1f, used, head * tt, t, h * tt, g.dMerged, hq, c,
          mergedStride, 0f, g.dQkv, 2L * c + hq, 3 * c, rowStride);
      // dP = dy vᵀ
      device.gemmStridedBatched(a.batch, false, true, t, t, dh, 1f, g.dMerged, hq, c, mergedStride, o.qkv,
          2L * c + hq, 3 * c, rowStride, 0f, g.dP, head * tt, t, h * tt);
    }
    long all = (long) a.batch * h * tt;
    if (drop) {
      device.mul(g.dP, o.patternMask, g.dP, all);
    }
    device.softmaxBackward(o.pattern, g.dP, a.batch * h * t, t, shape.logitScale(), shape.causal(),
        lastKeyMask ? a.keyMask : null, h * t);                              // dP ← dS
    for (int head = 0; head < h; head++) {
      long hq = (long) head * dh;
      // dq = dS k, dk = dSᵀ q
      device.gemmStridedBatched(a.batch, false, false, t, dh, t, 1f, g.dP, head * tt, t, h * tt, o.qkv, c + hq,
          3 * c, rowStride, 0f, g.dQkv, hq, 3 * c, rowStride);
      device.gemmStridedBatched(a.batch, true, false, t, dh, t, 1f, g.dP, head * tt, t, h * tt, o.qkv, hq, 3 * c,
          rowStride, 0f, g.dQkv, c + hq, 3 * c, rowStride);
    }
  }

  /** Zeroes the gradients, then forward (training mode) and backward: the loss before any update. */
  public Loss forwardBackward(Tokens b, long stepSeed) {
    zeroGrads();
    Loss loss = forward(b, true, stepSeed);
    backward(b);
    return loss;
  }

  /** ‖g‖₂ over every gradient (sums of squares in double, parameter by parameter). */
  public double gradNorm() {
    double s = 0;
    for (DeviceParam p : params) {
      s += device.sumSquares(p.grad);
    }
    return Math.sqrt(s);
  }

  /** Global-norm clipping as {@code TrainingStep.clip}: scales every gradient by threshold/norm above it. */
  public double clip(double threshold) {
    double norm = gradNorm();
    if (threshold > 0 && norm > threshold && Double.isFinite(norm)) {
      float s = (float) (threshold / norm);
      for (DeviceParam p : params) {
        device.scale(p.grad, s, p.length());
      }
    }
    return norm;
  }

  /**
   * Allocates AdamW's moments (zero) and decay masks: 1 on parameters that decay, embeddings only when
   * {@code decayEmbeddings} (the groups of {@code ParamStore.decayMask}).
   */
  public void optimizer(boolean decayEmbeddings) {
    for (DeviceParam p : params) {
      if (p.m == null) {
        p.m = device.alloc(p.length());
        p.v = device.alloc(p.length());
        p.mask = device.alloc(p.length());
      }
      device.fill(p.mask, p.decay() && (decayEmbeddings || !p.embedding()) ? 1f : 0f);
    }
    optimizer = true;
  }

  /** One AdamW update of every parameter (the CPU optimizer's arithmetic, in float32 as its kernel). */
  public void adamw(double lr, double weightDecay, double beta1, double beta2, double eps) {
    Preconditions.checkState(optimizer, "adamw before optimizer()");
    adamSteps++;
    float bc1 = (float) (1 - Math.pow(beta1, adamSteps));
    float bc2 = (float) (1 - Math.pow(beta2, adamSteps));
    for (DeviceParam p : params) {
      device.adamw(p.value, p.grad, p.m, p.v, p.mask, (float) lr, (float) weightDecay, (float) beta1, (float) beta2,
          bc1, bc2, (float) eps);
    }
  }

  public long adamSteps() {
    return adamSteps;
  }

  /** Moments of parameter {@code name} ({@code first}: m, else v), for checkpoints. */
  public float[] moment(String name, boolean first) {
    DeviceParam p = param(name);
    return device.download(first ? p.m : p.v);
  }

  /** Restores AdamW's state: the moments of every parameter by name, and the step count. */
  public void restoreMoments(Map<String, float[]> m, Map<String, float[]> v, long steps) {
    Preconditions.checkState(optimizer, "restoreMoments before optimizer()");
    for (DeviceParam p : params) {
      device.upload(m.get(p.name()), p.m);
      device.upload(v.get(p.name()), p.v);
    }
    adamSteps = steps;
  }

  /** The first parameter whose value (or, with {@code grads}, gradient) is not finite, or null. */
  public String firstNonFinite(boolean grads) {
    for (DeviceParam p : params) {
      if (!device.allFinite(grads ? p.grad : p.value)) {
        return p.name();
      }
    }
    return null;
  }

  /**
   * Top-1 accuracy of the last forward pass over the positions with a target (NaN if none): the probabilities of
   * that batch come to the host (masked-lm's {@code masked_acc}).
   */
  public double accuracy() {
    Preconditions.checkState(last != null && lastTargets != null, "accuracy without a forward pass with targets");
    float[] probs = device.download(last.probs);
    int v = shape.vocab();
    int counted = 0;
    int correct = 0;
    for (int i = 0; i < lastTargets.length; i++) {
      if (lastTargets[i] < 0) {
        continue;
      }
      int best = 0;
      for (int j = 1; j < v; j++) {
        if (probs[i * v + j] > probs[i * v + best]) {
          best = j;
        }
      }
      counted++;
      correct += best == lastTargets[i] ? 1 : 0;
    }
    return counted == 0 ? Double.NaN : (double) correct / counted;
  }

  /**
   * The hooks {@code names} of the last forward pass of shape {@code [batch, seq]}, copied to the host (only
   * those): residual hooks {@code [B·T, C]}, {@code hook_q}/{@code hook_k} {@code [B, H, T, D]} (rearranged on the
   * host from the layer's {@code [B·T, 3C]} projection), {@code hook_pattern} {@code [B, H, T, T]}.
   */
  public Map<String, float[]> hooks(int batch, int seq, List<String> names) {
    Activations a = acts.get(((long) batch << 32) | seq);
    Preconditions.checkState(a != null, "no forward pass of shape [%s, %s] yet", batch, seq);
    Map<String, float[]> out = new LinkedHashMap<>();
    Map<Integer, float[]> qkv = new HashMap<>();
    for (String name : names) {
      out.put(name, hook(a, name, qkv));
    }
    return out;
  }

  private float[] hook(Activations a, String name, Map<Integer, float[]> qkvCache) {
    if (name.equals("hook_embed")) {
      return device.download(a.embed);
    }
    if (name.equals("ln_final.hook_normalized")) {
      return device.download(a.hidden);
    }
    String[] parts = name.split("\\.", 3);
    Preconditions.checkArgument(parts.length == 3 && parts[0].equals("blocks"), "no hook %s", name);
    int l = Integer.parseInt(parts[1]);
    Preconditions.checkArgument(l >= 0 && l < blocks.size(), "no hook %s: %s layers", name, blocks.size());
    Activations.Layer o = a.layers.get(l);
    switch (parts[2]) {
      case "hook_resid_pre":
        return device.download(l == 0 ? a.embed : a.layers.get(l - 1).post);
      case "hook_resid_mid":
        return device.download(o.mid);
      case "hook_resid_post":
        return device.download(o.post);
      case "attn.hook_pattern":
        return device.download(o.pattern);
      case "attn.hook_q":
      case "attn.hook_k":
        float[] qkv = qkvCache.computeIfAbsent(l, k -> device.download(o.qkv));
        return heads(qkv, a, parts[2].equals("attn.hook_q") ? 0 : 1);
      default:
        throw new IllegalArgumentException("no hook " + name);
    }
  }

  /** Part {@code part} of a {@code [B·T, 3C]} projection as {@code [B, H, T, D]}. */
  private float[] heads(float[] qkv, Activations a, int part) {
    int h = shape.heads();
    int dh = shape.dHead();
    int c = shape.dModel();
    float[] out = new float[a.n * c];
    for (int b = 0; b < a.batch; b++) {
      for (int head = 0; head < h; head++) {
        for (int t = 0; t < a.seq; t++) {
          int src = (b * a.seq + t) * 3 * c + part * c + head * dh;
          int dst = ((b * h + head) * a.seq + t) * dh;
          System.arraycopy(qkv, src, out, dst, dh);
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    device.close();
  }
}
