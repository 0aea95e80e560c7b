package org.anisoscope.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * On a machine without an NVIDIA driver: JavaCPP's NVRTC bindings load its CUDA runtime bindings first, and those
 * are linked against the driver's {@code libcuda.so.1}. An empty library with that name (built here with the C
 * compiler, loaded before the bindings) satisfies the link; the driver's functions are bound lazily and NVRTC never
 * calls them, so compiling needs no driver. Where a real driver is installed, nothing is done.
 */
final class DriverStub {
  private static final List<String> DRIVER_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
      "/usr/local/nvidia/lib64", "/usr/local/cuda/lib64/stubs");
  private static boolean done;

  private DriverStub() {}

  static synchronized void loadIfNoDriver() throws IOException, InterruptedException {
    if (done) {
      return;
    }
    for (String d : DRIVER_DIRS) {
      if (Files.exists(Path.of(d, "libcuda.so.1"))) {
        done = true;
        return;
      }
    }
    Path dir = Files.createDirectories(Path.of("target", "driver-stub")).toAbsolutePath();
    Path c = dir.resolve("stub.c");
    Files.writeString(c, "/* no driver: an empty stand-in for libcuda.so.1 (see DriverStub.java) */\n"
        + "int anisoscope_driver_stub;\n");
    Path so = dir.resolve("libcuda.so.1");
    Process p = new ProcessBuilder("cc", "-shared", "-fPIC", "-Wl,-soname,libcuda.so.1", "-o", so.toString(),
        c.toString()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("could not build the libcuda.so.1 stand-in with cc (a C compiler is needed "
          + "to run the NVRTC test on a machine without an NVIDIA driver)");
    }
    System.load(so.toString());
    done = true;
  }
}
