package org.anisoscope.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kernel source compiles through NVRTC, with no warning, to machine code for Volta, Ampere, Hopper and (where
 * this NVRTC knows them) Blackwell. NVRTC needs no GPU, so this runs on the CPU machine and in CI.
 */
class NvrtcCompileTest {
  /** Volta, Turing, Ampere, Ada, Hopper, Blackwell (data centre and consumer). */
  private static final int[] ARCHS = {70, 75, 80, 86, 89, 90, 100, 120};

  @BeforeAll
  static void driver() throws Exception {
    DriverStub.loadIfNoDriver();
  }

  @Test
  void everySourceCompilesForEveryArchitectureWithoutWarnings() {
    List<Integer> supported = Nvrtc.supportedArchs();
    System.out.println("NVRTC " + Nvrtc.version() + ", architectures " + supported);
    for (int required : new int[] {70, 80, 90, 100}) {
      assertTrue(supported.contains(required), "NVRTC " + Nvrtc.version() + " lacks sm_" + required);
    }
    List<String> problems = new ArrayList<>();
    for (String source : KernelSources.SOURCES) {
      for (int arch : ARCHS) {
        if (!supported.contains(arch)) {
          continue;
        }
        Nvrtc.Result r = Nvrtc.compile(source, arch);
        if (!r.ok()) {
          problems.add(source + " for " + r.arch() + ": " + r.log());
        } else if (r.warnings().toLowerCase().contains("warning")) {
          problems.add(source + " for " + r.arch() + " warns: " + r.warnings());
        } else {
          // an ELF object (CUBIN), not PTX text
          assertTrue(r.cubin().length > 4 && ByteBuffer.wrap(r.cubin()).getInt() == 0x7f454c46,
              source + " for " + r.arch() + " gave no ELF machine code");
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void aBrokenSourceFailsWithNvrtcsMessage() {
    // the test above can fail: an undeclared name is an error with NVRTC's message, an unused variable a warning
    Nvrtc.Result bad = Nvrtc.compile("bad.cu", "#include \"common.cuh\"\nextern \"C\" __global__ void k(float* x) "
        + "{ x[0] = undeclared; }", 80);
    assertTrue(!bad.ok() && bad.log().contains("undeclared"), bad.log());
    Nvrtc.Result warn = Nvrtc.compile("warn.cu", "extern \"C\" __global__ void k(float* x) { int unused = 1; }", 80);
    assertTrue(warn.ok() && warn.log().toLowerCase().contains("warning"), warn.log());
    assertEquals(List.of("--fmad=false"), KernelSources.options("// nvrtc-options: --fmad=false\nint x;"));
    assertEquals(List.of(), KernelSources.options("// a comment\n"));
  }

  @Test
  void everyKernelSourceIsListed() {
    for (String s : KernelSources.SOURCES) {
      assertTrue(KernelSources.read(s).contains("extern \"C\" __global__"), s + " declares no kernel");
    }
  }
}
