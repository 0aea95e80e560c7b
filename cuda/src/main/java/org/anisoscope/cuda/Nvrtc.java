package org.anisoscope.cuda;

import static org.bytedeco.cuda.global.nvrtc.NVRTC_SUCCESS;
import static org.bytedeco.cuda.global.nvrtc.nvrtcCompileProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcCreateProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcDestroyProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetCUBIN;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetCUBINSize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetErrorString;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetNumSupportedArchs;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetProgramLog;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetProgramLogSize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetSupportedArchs;
import static org.bytedeco.cuda.global.nvrtc.nvrtcVersion;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * Compiles kernel sources with NVRTC (needs no GPU and no toolkit: libnvrtc comes from the cuda-redist jar) to
 * machine code (CUBIN) for one architecture {@code sm_XY}. Machine code rather than PTX: a driver older than this
 * NVRTC could not load its PTX, while machine code loads on every driver of the major version.
 */
public final class Nvrtc {
  private Nvrtc() {}

  /** NVRTC 12.x's note for sm_70/sm_72 (CUDA 13 drops them); not a problem of the source. */
  public static final String DEPRECATED_ARCH = "Architectures prior to '<compute/sm>_75' are deprecated";

  /** The result of one compilation: the CUBIN (empty on failure) and NVRTC's log (warnings, errors). */
  public record Result(String source, String arch, boolean ok, byte[] cubin, String log) {
    /** The log without {@link #DEPRECATED_ARCH} lines. */
    public String warnings() {
      return log.lines().filter(l -> !l.contains(DEPRECATED_ARCH)).reduce("", (a, b) -> a + b + "\n").trim();
    }
  }

  /** NVRTC's version, e.g. "12.9". */
  public static String version() {
    int[] major = new int[1];
    int[] minor = new int[1];
    check(nvrtcVersion(major, minor), "nvrtcVersion");
    return major[0] + "." + minor[0];
  }

  /** The architectures this NVRTC compiles for, as compute capabilities ×10 (70, 75, 80, ...). */
  public static List<Integer> supportedArchs() {
    int[] n = new int[1];
    check(nvrtcGetNumSupportedArchs(n), "nvrtcGetNumSupportedArchs");
    int[] archs = new int[n[0]];
    check(nvrtcGetSupportedArchs(archs), "nvrtcGetSupportedArchs");
    List<Integer> out = new ArrayList<>();
    for (int a : archs) {
      out.add(a);
    }
    return out;
  }

  /** Compiles one of {@link KernelSources#SOURCES} for {@code sm_<arch>} (arch = 10 × compute capability). */
  public static Result compile(String sourceName, int arch) {
    return compile(sourceName, KernelSources.read(sourceName), arch);
  }

  /** Compiles CUDA C text (which may include {@link KernelSources#HEADERS}) for {@code sm_<arch>}. */
  public static Result compile(String sourceName, String source, int arch) {
    List<String> options = new ArrayList<>(List.of("--gpu-architecture=sm_" + arch, "--std=c++17",
        "--device-int128", "-default-device", "--restrict"));
    options.addAll(KernelSources.options(source));
    // every native string stays referenced until the compilation is over (JavaCPP frees a Pointer once unreachable)
    List<BytePointer> keep = new ArrayList<>();
    _nvrtcProgram prog = new _nvrtcProgram();
    List<String> headers = KernelSources.HEADERS;
    PointerPointer<BytePointer> headerText = new PointerPointer<>(headers.size());
    PointerPointer<BytePointer> headerNames = new PointerPointer<>(headers.size());
    for (int i = 0; i < headers.size(); i++) {
      headerText.put(i, hold(keep, KernelSources.read(headers.get(i))));
      headerNames.put(i, hold(keep, headers.get(i)));
    }
    check(nvrtcCreateProgram(prog, hold(keep, source), hold(keep, sourceName), headers.size(), headerText,
        headerNames), "nvrtcCreateProgram " + sourceName);
    try {
      PointerPointer<BytePointer> opts = new PointerPointer<>(options.size());
      for (int i = 0; i < options.size(); i++) {
        opts.put(i, hold(keep, options.get(i)));
      }
      int status = nvrtcCompileProgram(prog, options.size(), opts);
      SizeTPointer logSize = new SizeTPointer(1);
      nvrtcGetProgramLogSize(prog, logSize);
      BytePointer log = new BytePointer(Math.max(1, logSize.get()));
      nvrtcGetProgramLog(prog, log);
      String logText = log.getString().trim();
      if (status != NVRTC_SUCCESS) {
        return new Result(sourceName, "sm_" + arch, false, new byte[0],
            nvrtcGetErrorString(status).getString() + "\n" + logText);
      }
      SizeTPointer size = new SizeTPointer(1);
      check(nvrtcGetCUBINSize(prog, size), "nvrtcGetCUBINSize");
      byte[] cubin = new byte[(int) size.get()];
      check(nvrtcGetCUBIN(prog, cubin), "nvrtcGetCUBIN");
      return new Result(sourceName, "sm_" + arch, true, cubin, logText);
    } finally {
      nvrtcDestroyProgram(prog);
      keep.clear();
    }
  }

  private static BytePointer hold(List<BytePointer> keep, String text) {
    BytePointer p = new BytePointer(text);
    keep.add(p);
    return p;
  }

  private static void check(int status, String what) {
    if (status != NVRTC_SUCCESS) {
      throw new IllegalStateException(what + " failed: " + nvrtcGetErrorString(status).getString());
    }
  }
}
