package org.anisoscope.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written here are read by NumPy itself and vice versa; skipped where {@code python3 -c 'import numpy'} fails. */
class NpyNumPyInteropTest {
  @TempDir
  Path dir;

  @BeforeAll
  static void needsNumPy() {
    Assumptions.assumeTrue(python("import numpy").exitCode == 0, "python3 with numpy not available");
  }

  @Test
  void numpyReadsWhatJavaWrites() throws IOException {
    Path f = dir.resolve("j.npy");
    Npy.writeFloat32(f, new float[] {0.5f, -1, 2, 3e-8f, 4, 5}, 3, 2);
    Result r = python("import numpy as np, sys; a = np.load(sys.argv[1]); "
        + "print(a.dtype.str, a.shape, a.flags['C_CONTIGUOUS'], ' '.join(repr(float(x)) for x in a.ravel()))",
        f.toString());
    assertEquals(0, r.exitCode, r.output);
    String[] tokens = r.output.strip().split(" ");
    assertEquals("<f4 (3, 2) True", String.join(" ", List.of(tokens).subList(0, 4)));
    float[] read = new float[tokens.length - 4];
    for (int i = 0; i < read.length; i++) {
      read[i] = (float) Double.parseDouble(tokens[i + 4]); // Python's repr: exact for a float32 value
    }
    assertArrayEquals(new float[] {0.5f, -1, 2, 3e-8f, 4, 5}, read);
  }

  @Test
  void numpyReadsFloat64AndInt32Exactly() throws IOException {
    Path d = dir.resolve("d.npy");
    Path i = dir.resolve("i.npy");
    Npy.writeFloat64(d, new double[] {0.1, -2.5, Math.PI, 1e-300}, 2, 2);
    Npy.writeInt32(i, new int[] {3, -4, 2147483647}, 3);
    Result r = python("import numpy as np, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); "
        + "print(a.dtype.str, a.shape, b.dtype.str, b.shape, "
        + "bool((a == np.array([[0.1, -2.5], [np.pi, 1e-300]])).all()), b.tolist() == [3, -4, 2147483647])",
        d.toString(), i.toString());
    assertEquals(0, r.exitCode, r.output);
    assertEquals("<f8 (2, 2) <i4 (3,) True True", r.output.strip());
  }

  @Test
  void javaReadsWhatNumpyWritesInFortranOrderAndFloat64() throws IOException {
    Path f = dir.resolve("p.npy");
    Result r = python("import numpy as np, sys; "
        + "np.save(sys.argv[1], np.asfortranarray(np.arange(24, dtype='<f8').reshape(2, 3, 4) / 4))", f.toString());
    assertEquals(0, r.exitCode, r.output);
    NpyArray a = Npy.read(f);
    float[] expected = new float[24];
    for (int i = 0; i < 24; i++) {
      expected[i] = i / 4f;
    }
    assertArrayEquals(new long[] {2, 3, 4}, a.shape());
    assertArrayEquals(expected, a.data());
  }

  private record Result(int exitCode, String output) {}

  private static Result python(String code, String... args) {
    try {
      List<String> cmd = new java.util.ArrayList<>(List.of("python3", "-c", code));
      cmd.addAll(List.of(args));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timeout");
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, e.toString());
    }
  }
}
