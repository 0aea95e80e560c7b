package org.anisoscope.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CPU half of the GPU self-test runs here: CpuDevice (ND4J's CPU natives, built for JavaCPP 1.5.7) under the
 * CUDA presets' JavaCPP 1.5.12 on one classpath, every operation recorded for the --golden run on a GPU machine.
 */
class GpuSelfTestRecordTest {
  @Test
  void recordsEveryCpuResult() throws Exception {
    Path file = Files.createDirectories(Path.of("target")).resolve("selftest-golden.bin");
    GpuSelfTest.main(new String[] {"--record", file.toString()});
    List<String> names = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(new FileInputStream(file.toFile()))) {
      while (in.available() > 0) {
        names.add(in.readUTF());
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
          float f = in.readFloat();
          assertTrue(Float.isFinite(f), names.get(names.size() - 1) + " has a non-finite value");
        }
      }
    }
    assertEquals(52, names.size(), names.toString());
    assertTrue(names.contains("attention causal masked dq") && names.contains("adamw p")
        && names.contains("dropout mask") && names.contains("add") && names.contains("fill"), names.toString());
  }
}
