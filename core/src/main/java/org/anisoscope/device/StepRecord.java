package org.anisoscope.device;

import com.google.common.base.Preconditions;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The first steps of a run, recorded on the CPU so that another machine can replay them on its device without ND4J
 * (experiments/gpu-check.sh): the model's shape, the optimizer settings, the initial weights by name, each step's
 * batch, learning rate and dropout seed, and the losses the ND4J model and the device model on the CPU
 * ({@code cpu-device}) had at each step, and the ND4J model's gradients of the first step after clipping (to tell
 * which parameter, and so which operation, differs when a replay does not agree). A plain big-endian binary file
 * ({@link java.io.DataOutputStream}).
 */
public record StepRecord(DeviceShape shape, double weightDecay, double beta1, double beta2, double gradClip,
    boolean decayEmbeddings, Map<String, float[]> weights, List<Step> steps, Map<String, float[]> firstGradients) {
  private static final int MAGIC = 0x414e5331; // "ANS1"

  /** One optimizer step: its batch (targets −1 = no loss), learning rate, dropout seed and the CPU losses. */
  public record Step(int batch, int seq, int[] tokens, int[] targets, double lr, long dropoutSeed, double nd4jLoss,
      double cpuDeviceLoss) {}

  public void write(Path file) throws IOException {
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeInt(MAGIC);
      DeviceShape s = shape;
      out.writeInt(s.vocab());
      out.writeInt(s.layers());
      out.writeInt(s.heads());
      out.writeInt(s.dModel());
      out.writeInt(s.dFf());
      out.writeInt(s.context());
      out.writeDouble(s.dropout());
      out.writeBoolean(s.causal());
      out.writeBoolean(s.tieEmbeddings());
      out.writeUTF(s.headName());
      out.writeBoolean(s.headBias());
      out.writeDouble(s.temperature());
      out.writeDouble(weightDecay);
      out.writeDouble(beta1);
      out.writeDouble(beta2);
      out.writeDouble(gradClip);
      out.writeBoolean(decayEmbeddings);
      out.writeInt(weights.size());
      for (Map.Entry<String, float[]> e : weights.entrySet()) {
        out.writeUTF(e.getKey());
        writeFloats(out, e.getValue());
      }
      out.writeInt(firstGradients.size());
      for (Map.Entry<String, float[]> e : firstGradients.entrySet()) {
        out.writeUTF(e.getKey());
        writeFloats(out, e.getValue());
      }
      out.writeInt(steps.size());
      for (Step st : steps) {
        out.writeInt(st.batch());
        out.writeInt(st.seq());
        writeInts(out, st.tokens());
        writeInts(out, st.targets());
        out.writeDouble(st.lr());
        out.writeLong(st.dropoutSeed());
        out.writeDouble(st.nd4jLoss());
        out.writeDouble(st.cpuDeviceLoss());
      }
    }
  }

  public static StepRecord read(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      Preconditions.checkArgument(in.readInt() == MAGIC, "%s is not a step record", file);
      DeviceShape shape = new DeviceShape(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(),
          in.readInt(), in.readDouble(), in.readBoolean(), in.readBoolean(), in.readUTF(), in.readBoolean(),
          in.readDouble());
      double wd = in.readDouble();
      double b1 = in.readDouble();
      double b2 = in.readDouble();
      double clip = in.readDouble();
      boolean decayEmb = in.readBoolean();
      Map<String, float[]> weights = new LinkedHashMap<>();
      int nw = in.readInt();
      for (int i = 0; i < nw; i++) {
        weights.put(in.readUTF(), readFloats(in));
      }
      Map<String, float[]> grads = new LinkedHashMap<>();
      int ng = in.readInt();
      for (int i = 0; i < ng; i++) {
        grads.put(in.readUTF(), readFloats(in));
      }
      List<Step> steps = new ArrayList<>();
      int ns = in.readInt();
      for (int i = 0; i < ns; i++) {
        steps.add(new Step(in.readInt(), in.readInt(), readInts(in), readInts(in), in.readDouble(), in.readLong(),
            in.readDouble(), in.readDouble()));
      }
      return new StepRecord(shape, wd, b1, b2, clip, decayEmb, weights, steps, grads);
    }
  }

  private static void writeFloats(DataOutputStream out, float[] v) throws IOException {
    out.writeInt(v.length);
    for (float f : v) {
      out.writeFloat(f);
    }
  }

  private static float[] readFloats(DataInputStream in) throws IOException {
    float[] v = new float[in.readInt()];
    for (int i = 0; i < v.length; i++) {
      v[i] = in.readFloat();
    }
    return v;
  }

  private static void writeInts(DataOutputStream out, int[] v) throws IOException {
    out.writeInt(v.length);
    for (int x : v) {
      out.writeInt(x);
    }
  }

  private static int[] readInts(DataInputStream in) throws IOException {
    int[] v = new int[in.readInt()];
    for (int i = 0; i < v.length; i++) {
      v[i] = in.readInt();
    }
    return v;
  }

  /** What a replay gave: each step's loss, and the first step's gradients after clipping, by parameter. */
  public record Replay(double[] losses, Map<String, float[]> firstGradients) {}

  /**
   * Replays the steps on {@code device} (closed afterwards) from the recorded weights: the loss of each step
   * (before its update), as the training loop computes it (forward and backward, clipping, AdamW).
   */
  public Replay replay(Device device) {
    try (DeviceModel m = new DeviceModel(device, shape)) {
      for (Map.Entry<String, float[]> e : weights.entrySet()) {
        m.upload(e.getKey(), e.getValue());
      }
      m.optimizer(decayEmbeddings);
      double[] losses = new double[steps.size()];
      Map<String, float[]> grads = new LinkedHashMap<>();
      for (int i = 0; i < losses.length; i++) {
        Step st = steps.get(i);
        losses[i] = m.forwardBackward(new DeviceModel.Tokens(st.batch(), st.seq(), st.tokens(), st.targets(), null),
            st.dropoutSeed()).loss();
        m.clip(gradClip);
        if (i == 0) {
          for (DeviceParam p : m.params()) {
            grads.put(p.name(), m.gradient(p.name()));
          }
        }
        m.adamw(st.lr(), weightDecay, beta1, beta2, 1e-8);
      }
      return new Replay(losses, grads);
    }
  }
}
