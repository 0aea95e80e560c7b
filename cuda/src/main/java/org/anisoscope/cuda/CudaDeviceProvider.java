package org.anisoscope.cuda;

import org.anisoscope.device.Device;
import org.anisoscope.device.DeviceProvider;

/**
 * Registers {@code model.device = cuda} (META-INF/services): GPU 0 of the devices the process sees (choose another
 * with {@code CUDA_VISIBLE_DEVICES}). A missing driver, GPU or CUDA library becomes one line.
 */
public final class CudaDeviceProvider implements DeviceProvider {
  @Override
  public String name() {
    return "cuda";
  }

  @Override
  public Device open(boolean tf32) {
    try {
      return new CudaDevice(0, tf32);
    } catch (LinkageError e) { // libcuda.so.1 / libcudart / libnvrtc / libcublas not found by JavaCPP
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new IllegalStateException("a CUDA library could not be loaded (" + root.getMessage() + "); it needs the "
          + "NVIDIA driver and CUDA's runtime, NVRTC and cuBLAS on the library path, see README \"GPU\"", e);
    } catch (RuntimeException e) {
      throw new IllegalStateException(String.valueOf(e.getMessage()), e);
    }
  }
}
