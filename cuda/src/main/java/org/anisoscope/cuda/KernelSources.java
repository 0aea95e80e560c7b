package org.anisoscope.cuda;

import com.google.common.base.Preconditions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The CUDA C sources of the kernels, read from the classpath, and the NVRTC options a source asks for. */
public final class KernelSources {
  /** Every kernel source; each is one NVRTC program (one module). */
  public static final List<String> SOURCES = List.of("layernorm.cu", "gelu.cu", "bias.cu", "softmax.cu",
      "xent.cu", "embedding.cu", "dropout.cu", "adamw.cu", "norms.cu", "attention.cu");
  /** Headers the sources include by name. */
  public static final List<String> HEADERS = List.of("common.cuh");

  private static final String PREFIX = "// nvrtc-options:";

  private KernelSources() {}

  /** The text of a source or header under {@code org/anisoscope/cuda/}. */
  public static String read(String name) {
    try (InputStream in = KernelSources.class.getResourceAsStream(name)) {
      Preconditions.checkState(in != null, "kernel source %s missing from the classpath (org/anisoscope/cuda/)",
          name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading kernel source " + name, e);
    }
  }

  /** Extra options from a first line {@code // nvrtc-options: --fmad=false ...} (none if absent). */
  public static List<String> options(String source) {
    List<String> out = new ArrayList<>();
    String first = source.lines().findFirst().orElse("");
    if (first.startsWith(PREFIX)) {
      for (String o : first.substring(PREFIX.length()).trim().split("\\s+")) {
        if (!o.isEmpty()) {
          out.add(o);
        }
      }
    }
    return out;
  }
}
