package org.anisoscope.config;

import java.util.Set;
import org.anisoscope.model.ModelConfig;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code anisoscope.model.device} and {@code anisoscope.model.tf32}: where a training step runs. {@code cpu} is the
 * ND4J model (the default); {@code cuda} is the device-resident model ({@code org.anisoscope.device.DeviceModel}) on
 * an NVIDIA GPU; {@code cpu-device} is that same device model on the CPU kernels ({@code CpuDevice}), the way to
 * check the GPU's code path without a GPU (slower than {@code cpu}). The device model covers the text objectives
 * causal-lm and masked-lm with softmax attention; anything else with a device other than {@code cpu} is a config
 * error naming the key. {@code tf32} lets cuBLAS use TF32 tensor cores for the products (cuda only).
 */
public record DeviceSettings(String device, boolean tf32) {
  public static final String CPU = "cpu";
  public static final String CUDA = "cuda";
  public static final String CPU_DEVICE = "cpu-device";
  static final String KEY = "anisoscope.model.device";
  /** What the device model supports, for the error message. */
  static final String SUPPORTED = "objective.type causal-lm | masked-lm, data.modality = text, model.attention = "
      + "softmax, model.qk-norm = false, model.dtype = float32";

  /** Whether the ND4J model trains (no device model). */
  public boolean nd4j() {
    return device.equals(CPU);
  }

  static DeviceSettings read(Keys k, String objective, ModelSettings model, String modality) {
    String device = k.oneOf(KEY, Set.of(CPU, CUDA, CPU_DEVICE));
    boolean tf32 = k.bool("anisoscope.model.tf32");
    if (!device.equals(CPU)) {
      String other = !Set.of("causal-lm", "masked-lm").contains(objective) ? "objective.type = " + objective
          : !modality.equals("text") ? "data.modality = " + modality
          : model.attention() != ModelConfig.Attention.SOFTMAX ? "model.attention = "
              + model.attention().name().toLowerCase(java.util.Locale.ROOT)
          : model.qkNorm() ? "model.qk-norm = true"
          : model.dtype() != DataType.FLOAT ? "model.dtype = float64" : null;
      if (other != null) {
        throw k.invalid(KEY, "cpu with " + other + " (model.device = " + device + " supports " + SUPPORTED + ")");
      }
    }
    return new DeviceSettings(device, tf32);
  }
}
