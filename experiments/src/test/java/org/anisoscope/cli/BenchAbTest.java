package org.anisoscope.cli;

import org.anisoscope.model.Kernels;
import org.anisoscope.model.Linear;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BenchAb alternates its two settings and reports both; a setting it does not know is a one-line error, exit 2. */
class BenchAbTest {
  private static final List<String> TINY = List.of("model.layers=1", "model.heads=2", "model.d-model=16",
      "model.context=8", "train.batch-size=2");

  @AfterEach
  void restore() {
    Kernels.setLayerNormFusion(true);
    Linear.setOverlapBiasGrad(true);
  }

  private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... first) {
    List<String> argv = new ArrayList<>(List.of(first));
    argv.addAll(TINY);
    PrintStream so = System.out;
    PrintStream se = System.err;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      return new CommandLine(new BenchAb()).execute(argv.toArray(String[]::new));
    } finally {
      System.setOut(so);
      System.setErr(se);
    }
  }

  @Test
  void alternatesBothSettings() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = run(out, new ByteArrayOutputStream(), "--a", "lnfusion=off,dboverlap=off", "--b",
        "lnfusion=on,dboverlap=on", "--steps", "3", "--warmup-seconds", "0", "--vocab", "11");
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, text);
    assertTrue(text.contains("ab: a_ms="), text);
    assertTrue(text.contains("cpu: a_cpu_ms="), text);
    for (String side : new String[] {"A ", "B "}) {
      String line = text.lines().filter(l -> l.startsWith(side)).findFirst().orElseThrow();
      assertEquals(3, line.substring(line.indexOf('[')).split(",").length, "three timed steps each: " + line);
    }
  }

  @Test
  void unknownSettingIsAOneLineError() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = run(new ByteArrayOutputStream(), err, "--a", "lnfusion=maybe", "--b", "lnfusion=on", "--steps",
        "1", "--warmup-seconds", "0");
    assertEquals(2, code);
    String e = err.toString(StandardCharsets.UTF_8).trim();
    assertEquals(1, e.lines().count(), e);
    assertTrue(e.contains("lnfusion=maybe"), e);
  }
}
