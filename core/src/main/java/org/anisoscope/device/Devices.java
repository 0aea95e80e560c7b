package org.anisoscope.device;

import java.util.ServiceLoader;
import org.anisoscope.files.BadInputException;
import org.anisoscope.model.CpuDevice;

/**
 * Opens the device {@code model.device} names: {@code cpu-device} is {@link CpuDevice}; any other name is looked up
 * among the {@link DeviceProvider}s on the class path ({@code cuda}: the {@code anisoscope-cuda} module). A device
 * that is absent or cannot be opened is a one-line {@link BadInputException} (exit code 2) naming the key.
 */
public final class Devices {
  private Devices() {}

  /** The provider of {@code name} on the class path, or a one-line error saying how to get it. */
  public static DeviceProvider provider(String name) {
    for (DeviceProvider p : ServiceLoader.load(DeviceProvider.class)) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new BadInputException("model.device = " + name + ": no " + name + " device on the class path; build "
        + "with mvn -Pcuda package (experiments/run.sh then adds cuda/target), see README \"GPU\"");
  }

  /**
   * Fails (one line) unless device {@code name} is on the class path and opens (it is opened and closed again: a
   * missing driver shows before a run directory is written).
   */
  public static void check(String name) {
    if (!name.equals("cpu") && !name.equals("cpu-device")) {
      open(name, false).close();
    }
  }

  public static Device open(String name, boolean tf32) {
    if (name.equals("cpu-device")) {
      return new CpuDevice();
    }
    DeviceProvider p = provider(name);
    try {
      return p.open(tf32);
    } catch (IllegalStateException | LinkageError e) {
      throw new BadInputException("model.device = " + name + ": cannot open the device: " + e.getMessage(), e);
    }
  }
}
