package org.anisoscope.train;

import com.google.common.base.Preconditions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.anisoscope.config.DeviceSettings;
import org.anisoscope.config.Settings;
import org.anisoscope.config.TrainSettings;
import org.anisoscope.data.Batch;
import org.anisoscope.device.Device;
import org.anisoscope.device.DeviceModel;
import org.anisoscope.device.DeviceParam;
import org.anisoscope.device.DeviceShape;
import org.anisoscope.device.Devices;
import org.anisoscope.model.Hooks;
import org.anisoscope.model.ModelConfig;
import org.anisoscope.model.Param;
import org.anisoscope.model.ParamStore;
import org.anisoscope.objective.LossResult;
import org.anisoscope.objective.MaskedLm;
import org.anisoscope.probe.Probe;
import org.anisoscope.util.Seeds;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training loop's device path ({@code model.device = cuda | cpu-device}): a {@link DeviceModel} holding the
 * {@link Network}'s weights (copied by name from its seeded store, so both paths start from the same weights) does
 * every training step, evaluation and probe forward pass on the device. The host store and the host optimizer are
 * brought up to date only when the host reads them ({@link #toHost}: checkpoints, and the sampler after training);
 * the probe gets only the hooks it reads ({@link #probeSource}).
 *
 * <p>A step is {@link TrainingStep#run}'s sequence on the device: forward and backward, the finite-loss check, the
 * global gradient norm and clipping, AdamW, the finite-parameter check. Dropout masks are a function of
 * {@code Seeds.derive(seed, DROPOUT, step)}, so a resumed run draws the same masks.
 */
public final class DeviceTraining implements AutoCloseable {
  private static final double ADAM_EPS = 1e-8; // as AdamW.of
  private final Network net;
  private final DeviceModel dm;
  private final TrainSettings ts;
  private final long seed;
  private final boolean masked;
  private boolean hostStale;
  private long matricesAt = -1; // adam step of the last W_E / W_U copy to the host

  /** The device path of {@code settings}, or null for {@code model.device = cpu} (the ND4J model trains). */
  public static DeviceTraining open(Settings settings, Network net) {
    DeviceSettings ds = settings.device();
    if (ds.nd4j()) {
      return null;
    }
    return new DeviceTraining(Devices.open(ds.device(), ds.tf32()), net, settings.train(), settings.run().seed());
  }

  /** Copies {@code net}'s weights to a new device model on {@code device} (which this object then owns). */
  public DeviceTraining(Device device, Network net, TrainSettings ts, long seed) {
    this.net = net;
    this.ts = ts;
    this.seed = seed;
    this.masked = net.objective().name().equals(MaskedLm.NAME);
    this.dm = new DeviceModel(device, shape(net));
    checkLayout(net.params(), dm);
    dm.optimizer(ts.decayEmbeddings());
    for (Param p : net.params().params()) {
      dm.upload(p.name(), p.value().dup().data().asFloat());
    }
  }

  /** The device model's shape of {@code net} (a text model with a causal-lm or masked-lm head). */
  public static DeviceShape shape(Network net) {
    ModelConfig c = net.config();
    String objective = net.objective().name();
    Preconditions.checkArgument(objective.equals("causal-lm") || objective.equals(MaskedLm.NAME),
        "the device model trains causal-lm or masked-lm, not %s", objective);
    Preconditions.checkArgument(c.attention() == ModelConfig.Attention.SOFTMAX && !c.qkNorm(),
        "the device model has plain softmax attention (no qk-norm), not %s", c.attention());
    boolean mlm = objective.equals(MaskedLm.NAME);
    return new DeviceShape(c.vocab(), c.layers(), c.heads(), c.dModel(), c.dFf(), c.context(), c.dropout(),
        c.causal(), c.tieEmbeddings(), mlm ? "mlm_head" : "lm_head", mlm, c.attentionTemperature());
  }

  /** The two models must hold the same parameters (names, shapes, decay groups, order): else a bug, said plainly. */
  private static void checkLayout(ParamStore store, DeviceModel dm) {
    List<Param> host = store.params();
    List<DeviceParam> dev = dm.params();
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    for (Param p : host) {
      a.add(p.name() + java.util.Arrays.toString(p.shape()) + p.decay() + p.embedding());
    }
    for (DeviceParam p : dev) {
      b.add(p.name() + java.util.Arrays.toString(p.shape()) + p.decay() + p.embedding());
    }
    Preconditions.checkState(a.equals(b), "device model parameters %s differ from the model's %s", b, a);
  }

  private static DeviceModel.Tokens tokens(Batch b) {
    Preconditions.checkArgument(b.tokens() != null && b.inputs() == null && b.masked() == null,
        "the device model reads token batches (no float inputs, no masked-input positions)");
    return new DeviceModel.Tokens(b.size(), b.seq(), b.tokens(), b.targets(), b.padding());
  }

  private LossResult result(DeviceModel.Loss l) {
    return new LossResult(l.loss(), l.valid(), masked ? Map.of(MaskedLm.MASKED_ACC, dm.accuracy()) : Map.of());
  }

  /**
   * One optimizer step of update {@code step + 1} at learning rate {@code lr}.
   *
   * @throws TrainingStep.NonFiniteException as {@link TrainingStep#run}
   */
  public TrainingStep.Result step(Batch batch, double lr, long step) {
    LossResult r = result(dm.forwardBackward(tokens(batch), Seeds.derive(seed, Seeds.DROPOUT, step)));
    if (!Double.isFinite(r.loss())) {
      throw new TrainingStep.NonFiniteException("loss is " + r.loss());
    }
    double norm = dm.clip(ts.gradClip());
    if (!Double.isFinite(norm)) {
      throw new TrainingStep.NonFiniteException("gradient norm is " + norm + "; first non-finite gradient: "
          + dm.firstNonFinite(true));
    }
    dm.adamw(lr, ts.weightDecay(), ts.beta1(), ts.beta2(), ADAM_EPS);
    hostStale = true;
    String bad = dm.firstNonFinite(false);
    if (bad != null) {
      throw new TrainingStep.NonFiniteException("parameter " + bad + " is not finite after the update (lr " + lr
          + ")");
    }
    return new TrainingStep.Result(r, norm);
  }

  /** Forward and backward of {@code batch} with the dropout masks of step {@code step}; gradients left in place. */
  public LossResult forwardBackward(Batch batch, long step) {
    return result(dm.forwardBackward(tokens(batch), Seeds.derive(seed, Seeds.DROPOUT, step)));
  }

  /** Clears the gradients (after the warm-up pass). */
  public void zeroGrads() {
    dm.zeroGrads();
  }

  /** Loss of {@code batch} in inference mode (validation). */
  public LossResult evaluate(Batch batch) {
    return result(dm.forward(tokens(batch), false, 0));
  }

  /** Every gradient of the last backward pass by parameter name (tests). */
  public Map<String, float[]> gradients() {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (DeviceParam p : dm.params()) {
      out.put(p.name(), dm.gradient(p.name()));
    }
    return out;
  }

  /** Copies the parameters into the host store and AdamW's state into {@code adam}, if they changed since. */
  public void toHost(AdamW adam) {
    if (!hostStale) {
      return;
    }
    ParamStore store = net.params();
    float[] values = new float[Math.toIntExact(store.count())];
    float[] m = new float[values.length];
    float[] v = new float[values.length];
    int offset = 0;
    for (Param p : store.params()) {
      int len = Math.toIntExact(p.length());
      System.arraycopy(dm.download(p.name()), 0, values, offset, len);
      System.arraycopy(dm.moment(p.name(), true), 0, m, offset, len);
      System.arraycopy(dm.moment(p.name(), false), 0, v, offset, len);
      offset += len;
    }
    store.values().assign(Nd4j.createFromArray(values).reshape(1, values.length));
    adam.restore(Nd4j.createFromArray(m).reshape(1, m.length), Nd4j.createFromArray(v).reshape(1, v.length),
        dm.adamSteps());
    hostStale = false;
  }

  /** Copies the host store and {@code adam}'s state to the device (after a checkpoint was restored on the host). */
  public void fromHost(AdamW adam) {
    float[] m = adam.firstMoment().dup().data().asFloat();
    float[] v = adam.secondMoment().dup().data().asFloat();
    Map<String, float[]> ms = new HashMap<>();
    Map<String, float[]> vs = new HashMap<>();
    int offset = 0;
    for (Param p : net.params().params()) {
      int len = Math.toIntExact(p.length());
      dm.upload(p.name(), p.value().dup().data().asFloat());
      ms.put(p.name(), java.util.Arrays.copyOfRange(m, offset, offset + len));
      vs.put(p.name(), java.util.Arrays.copyOfRange(v, offset, offset + len));
      offset += len;
    }
    dm.restoreMoments(ms, vs, adam.stepCount());
    hostStale = false;
  }

  /**
   * The probe's activations from the device: an inference forward pass, then only the hooks asked for come to the
   * host ({@code [B·T, C]}, q/k {@code [B, H, T, D]}, pattern {@code [B, H, T, T]}); for {@code W_E}/{@code W_U} the
   * token table (and an untied head) is copied into the host store, once per optimizer step.
   */
  public Probe.Source probeSource() {
    return (batch, names) -> {
      dm.forward(tokens(batch), false, 0);
      List<String> activations = new ArrayList<>();
      boolean matrices = false;
      for (String h : names) {
        if (h.equals(Hooks.W_E) || h.equals(Hooks.W_U)) {
          matrices = true;
        } else {
          activations.add(h);
        }
      }
      if (matrices && matricesAt != dm.adamSteps()) {
        for (Param p : net.params().params()) {
          if (p.name().equals("wte") || p.name().endsWith("head.W")) {
            p.value().assign(Nd4j.createFromArray(dm.download(p.name())).reshape(p.shape()));
          }
        }
        matricesAt = dm.adamSteps();
      }
      int b = batch.size();
      int t = batch.seq();
      ModelConfig c = net.config();
      int dh = c.dModel() / c.heads();
      Map<String, INDArray> out = new LinkedHashMap<>();
      for (Map.Entry<String, float[]> e : dm.hooks(b, t, activations).entrySet()) {
        String h = e.getKey();
        long[] shape = h.endsWith("hook_pattern") ? new long[] {b, c.heads(), t, t}
            : h.endsWith("hook_q") || h.endsWith("hook_k") ? new long[] {b, c.heads(), t, dh}
            : new long[] {(long) b * t, c.dModel()};
        out.put(h, Nd4j.createFromArray(e.getValue()).reshape(shape));
      }
      return out;
    };
  }

  public DeviceModel model() {
    return dm;
  }

  @Override
  public void close() {
    dm.close();
  }
}
