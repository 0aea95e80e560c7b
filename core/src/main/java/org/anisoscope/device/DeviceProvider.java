package org.anisoscope.device;

/**
 * A device found at run time through {@link java.util.ServiceLoader}: the {@code anisoscope-cuda} module (built with
 * {@code -Pcuda}) registers {@code cuda} in {@code META-INF/services/org.anisoscope.device.DeviceProvider}, so the
 * core and the default build never reference the CUDA classes.
 */
public interface DeviceProvider {
  /** The {@code model.device} value this provider opens, e.g. {@code cuda}. */
  String name();

  /**
   * Opens the device; {@code tf32} allows TF32 tensor cores for the products.
   *
   * @throws IllegalStateException with a one-line reason (no driver, no GPU, a CUDA library missing)
   */
  Device open(boolean tf32);
}
