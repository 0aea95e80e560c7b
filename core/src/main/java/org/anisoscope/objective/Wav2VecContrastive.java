package org.anisoscope.objective;

import com.google.common.base.Preconditions;
import org.anisoscope.data.Batch;
import org.anisoscope.model.Blas;
import org.anisoscope.model.Buffers;
import org.anisoscope.model.Param;
import org.anisoscope.model.ParamStore;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * wav2vec 2.0's contrastive task (Baevski et al. 2020, eq. 3) without the quantiser: at every masked position i a
 * linear head makes {@code c_i = h_i W + b} ({@code W [C, D]}), and the loss is
 * {@code −ln( exp(cos(c_i, q_i)/τ) / Σ_{q ∈ {q_i} ∪ Q_i} exp(cos(c_i, q)/τ) )}, averaged over the masked
 * positions, where {@code q_i} is the target at i — the frontend's output for the unmasked input frame, with the
 * gradient stopped — and {@code Q_i} are K distractors: the targets at K other masked positions of the same
 * utterance, drawn uniformly without replacement (fewer when the utterance has fewer masked positions). Logs
 * {@code contrastive_acc}: the share of masked positions whose true target has the strictly highest similarity
 * (chance 1/(K+1) when every utterance has at least K+1 masked positions).
 *
 * <p>The targets are the frontend's linear projection {@code x W_f} of each frame's real input (the
 * {@link org.anisoscope.model.PatchEmbedding}'s {@code patch.W}), before its bias, the mask embedding and the
 * position rows: with the position row a target would name its own position, and the task would be solved by
 * position alone; the bias, shared by every target, would let the loss fall to ln(K + 1) by shrinking
 * {@code W_f} until all candidates look alike (measured: a first run sat at chance accuracy). The cosine is
 * blind to the scale of {@code W_f}. Each sequence's targets are then centred on their mean over its real
 * (unpadded) frames, as data2vec normalises its targets per utterance (Baevski et al. 2022, §3.3): otherwise the
 * utterance's mean spectrum, shared by the true target and every distractor, is an easy answer that scores all
 * candidates alike (measured: loss stuck at ln(K + 1)). No gradient flows into the targets (wav2vec 2.0 stops it at the
 * quantiser's input for the same reason: the targets must not chase the predictions).
 *
 * <p>What made it learn (measured on festvox-ru): none of the above alone. With a plain {@code PatchEmbedding}
 * frontend the loss sat at ln(K + 1) for 500 steps even with isolated masked frames whose neighbours were
 * visible: a masked position's input is the mask embedding, near-uniform attention brings only the utterance's
 * mean (centred away here), and nothing gives a first-order gradient towards attending locally. wav2vec 2.0's
 * convolutional position embedding ({@link org.anisoscope.model.ConvPositionEmbedding}, on by default for audio)
 * mixes each frame's neighbours into it from the first step; with it the accuracy rose from 0.085 to 0.29 (chance
 * 1/11) in 300 steps at the default masking.
 *
 * <p>Draws are a pure function of the batch's mask pattern (no hidden state), so a repeated forward pass of
 * the same batch (gradient checks, a resumed run) draws the same distractors.
 */
public final class Wav2VecContrastive implements Objective {
  public static final String NAME = "wav2vec-contrastive";
  public static final String ACC = "contrastive_acc";
  private final Param weight; // [C, D]
  private final Param bias;   // [1, D]
  private final int dim;
  private final int distractors;
  private final double temperature;
  private final Buffers buf;
  private final Param frontW;  // [F, C] the frontend's projection (read only)
  // state of the last forward pass, read by backward
  private int[] anchors;      // masked positions, in order
  private int[][] cands;      // per anchor: [true target, distractors...]
  private double[][] probs;   // per anchor: softmax over candidates
  private double[][] c;       // [n][D] head outputs
  private double[][] q;       // [n][D] targets

  public Wav2VecContrastive(ParamStore store, int dModel, int targetDim, int distractors, double temperature) {
    Preconditions.checkArgument(distractors >= 1, "%s needs >= 1 distractor, got %s", NAME, distractors);
    Preconditions.checkArgument(temperature > 0, "%s: temperature must be > 0, got %s", NAME, temperature);
    this.dim = targetDim;
    this.distractors = distractors;
    this.temperature = temperature;
    this.weight = store.declare("ctx_head.W", new long[] {dModel, targetDim}, ParamStore.Init.NORMAL,
        1.0 / Math.sqrt(dModel), true);
    this.bias = store.declare("ctx_head.b", new long[] {1, targetDim}, ParamStore.Init.ZEROS, 0, false);
    this.buf = new Buffers(store.dtype());
    this.frontW = store.params().stream().anyMatch(p -> p.name().equals("patch.W")) ? store.get("patch.W") : null;
  }

  /** K distractors, cosine over temperature τ; targets from the float-input frontend of the same store. */
  public static ObjectiveFactory factory(int distractors, double temperature) {
    return (store, cfg, frontend) -> {
      Preconditions.checkArgument(!cfg.causal(), "%s needs a bidirectional model (model.causal = false)", NAME);
      return new Wav2VecContrastive(store, cfg.dModel(), cfg.dModel(), distractors, temperature);
    };
  }

  @Override
  public LossResult forward(INDArray hidden, Batch batch) {
    Preconditions.checkArgument(batch.masked() != null && batch.inputs() != null,
        "%s needs float inputs and masked positions in the batch", NAME);
    Preconditions.checkState(frontW != null, "%s needs the float-input frontend (patch.W) in the same store", NAME);
    return forward(hidden, batch.masked(), targets(batch), batch.size(), batch.seq());
  }

  /**
   * {@code x W_f} {@code [n, C]}, centred per sequence over its real frames: the frontend's projection of the
   * unmasked inputs, a constant here.
   */
  INDArray targets(Batch batch) {
    int n = batch.positions();
    int f = batch.inputs().width();
    INDArray x = buf.get("x", n, f).assign(Nd4j.createFromArray(batch.inputs().values()).reshape(n, f)
        .castTo(frontW.value().dataType()));                         // [n, F]
    INDArray q = buf.get("q", n, frontW.shape()[1]);                 // [n, C]
    Blas.gemm(x, frontW.value(), q, false, false, 1.0, 0.0);
    int seq = batch.seq();
    boolean[] pad = batch.padding();
    for (int s = 0; s < batch.size(); s++) {
      INDArray rows = q.get(org.nd4j.linalg.indexing.NDArrayIndex.interval((long) s * seq, (long) (s + 1) * seq),
          org.nd4j.linalg.indexing.NDArrayIndex.all());                 // [T, C] view
      int real = 0;
      INDArray mean = Nd4j.zeros(q.dataType(), 1, q.size(1));
      for (int t = 0; t < seq; t++) {
        if (pad == null || !pad[s * seq + t]) {
          mean.addi(rows.getRow(t));
          real++;
        }
      }
      rows.subiRowVector(mean.divi(Math.max(1, real)));
    }
    return q;
  }

  @Override
  public INDArray backward(INDArray hidden, Batch batch) {
    return backward(hidden);
  }

  @Override
  public boolean requiresCausal() {
    return false;
  }

  @Override
  public String name() {
    return NAME;
  }

  public int distractors() {
    return distractors;
  }

  /**
   * @param hidden ln_final output {@code [B·T, C]}
   * @param masked {@code [B·T]} the masked positions (never padded ones)
   * @param targets {@code [B·T, D]} the frontend's outputs for the unmasked inputs (constants here)
   */
  public LossResult forward(INDArray hidden, boolean[] masked, INDArray targets, int size, int seq) {
    int n = size * seq;
    Preconditions.checkArgument(hidden.size(0) == n && masked.length == n && targets.size(0) == n
        && targets.size(1) == dim, "%s: hidden %s, masked %s, targets %s do not fit [%s·%s, %s]", NAME,
        Arrays.toString(hidden.shape()), masked.length, Arrays.toString(targets.shape()), size, seq, dim);
    INDArray out = buf.get("c", n, dim);                               // [n, D]
    out.assign(0.0).addiRowVector(bias.value());
    Blas.gemm(hidden, weight.value(), out, false, false, 1.0, 1.0);
    c = out.castTo(DataType.DOUBLE).toDoubleMatrix();
    q = targets.castTo(DataType.DOUBLE).toDoubleMatrix();
    draw(masked, size, seq);
    Preconditions.checkArgument(anchors.length > 0, "%s: the batch has no masked position", NAME);
    probs = new double[anchors.length][];
    double loss = 0;
    int correct = 0;
    for (int a = 0; a < anchors.length; a++) {
      int i = anchors[a];
      int[] cs = cands[a];
      double[] logit = new double[cs.length];
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < cs.length; k++) {
        logit[k] = cos(c[i], q[cs[k]]) / temperature;
        max = Math.max(max, logit[k]);
      }
      double z = 0;
      boolean best = true;
      for (int k = 0; k < cs.length; k++) {
        z += Math.exp(logit[k] - max);
        best &= k == 0 || logit[k] < logit[0];
      }
      double[] p = new double[cs.length];
      for (int k = 0; k < cs.length; k++) {
        p[k] = Math.exp(logit[k] - max) / z;
      }
      probs[a] = p;
      loss += -(logit[0] - max - Math.log(z));
      correct += best ? 1 : 0;
    }
    return new LossResult(loss / anchors.length, anchors.length,
        Map.of(ACC, (double) correct / anchors.length));
  }

  /** Anchors = masked positions; candidates = the anchor itself, then K masked positions of its sequence. */
  private void draw(boolean[] masked, int size, int seq) {
    SplittableRandom r = new SplittableRandom(0x5EEDL * 31 + Arrays.hashCode(masked));
    List<int[]> cl = new ArrayList<>();
    List<Integer> al = new ArrayList<>();
    for (int s = 0; s < size; s++) {
      List<Integer> m = new ArrayList<>();
      for (int t = 0; t < seq; t++) {
        if (masked[s * seq + t]) {
          m.add(s * seq + t);
        }
      }
      for (int i : m) {
        int[] pool = m.stream().mapToInt(Integer::intValue).filter(j -> j != i).toArray();
        int k = Math.min(distractors, pool.length);
        int[] cs = new int[k + 1];
        cs[0] = i;
        for (int d = 0; d < k; d++) { // partial Fisher–Yates: k draws without replacement
          int j = d + r.nextInt(pool.length - d);
          int tmp = pool[d];
          pool[d] = pool[j];
          pool[j] = tmp;
          cs[d + 1] = pool[d];
        }
        al.add(i);
        cl.add(cs);
      }
    }
    anchors = al.stream().mapToInt(Integer::intValue).toArray();
    cands = cl.toArray(new int[0][]);
  }

  private static double cos(double[] a, double[] b) {
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int d = 0; d < a.length; d++) {
      ab += a[d] * b[d];
      aa += a[d] * a[d];
      bb += b[d] * b[d];
    }
    return ab / Math.sqrt(aa * bb);
  }

  /** After {@link #forward}: accumulates the head's gradients and returns dHidden {@code [B·T, C]}. */
  public INDArray backward(INDArray hidden) {
    int n = (int) hidden.size(0);
    double[] dc = new double[n * dim];
    double scale = 1.0 / (anchors.length * temperature);
    for (int a = 0; a < anchors.length; a++) {
      int i = anchors[a];
      double[] ci = c[i];
      double cn = norm(ci);
      for (int k = 0; k < cands[a].length; k++) {
        // dL/dlogit_k = (p_k − [k = 0]) / M;  d cos(c, q)/dc = q/(|c||q|) − cos · c/|c|²
        double g = (probs[a][k] - (k == 0 ? 1 : 0)) * scale;
        double[] qk = q[cands[a][k]];
        double qn = norm(qk);
        double cosv = cos(ci, qk);
        for (int d = 0; d < dim; d++) {
          dc[i * dim + d] += g * (qk[d] / (cn * qn) - cosv * ci[d] / (cn * cn));
        }
      }
    }
    INDArray dC = buf.get("dc", n, dim).assign(Nd4j.create(dc, new long[] {n, dim}, DataType.DOUBLE)); // [n, D]
    buf.addColumnSums(dC, bias.grad());
    Blas.gemm(hidden, dC, weight.grad(), true, false, 1.0, 1.0);      // dW += hᵀ dC
    INDArray dHidden = buf.get("dhidden", n, hidden.size(1));
    Blas.gemm(dC, weight.value(), dHidden, false, true, 1.0, 0.0);    // dh = dC Wᵀ
    return dHidden;
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  @Override
  public List<String> scalarNames() {
    return List.of(ACC);
  }
}
