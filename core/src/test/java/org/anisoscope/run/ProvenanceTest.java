package org.anisoscope.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProvenanceTest {
  @TempDir
  Path tmp;

  @Test
  void aHungChildIsKilledAtTheTimeout() {
    long t0 = System.nanoTime();
    // The shell prints its pid, then hangs; the old code read the output to the end before waiting.
    String out = Provenance.run(List.of("sh", "-c", "echo started; sleep 30"), tmp, Duration.ofMillis(300));
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertNull(out, "a timed-out command gives no value");
    assertTrue(seconds < 5, "returned after " + seconds + " s, not at the 300 ms timeout");
  }

  @Test
  void runsInTheGivenDirectory() throws Exception {
    Files.writeString(tmp.resolve("marker.txt"), "x");
    assertEquals("marker.txt", Provenance.run(List.of("ls"), tmp, Duration.ofSeconds(10)));
    assertNull(Provenance.run(List.of("false"), tmp, Duration.ofSeconds(10)), "a failing command gives null");
    assertNull(Provenance.run(List.of("no-such-program-here"), tmp, Duration.ofSeconds(10)));
  }

  @Test
  void theProjectDirectoryIsFoundFromTheCodeNotTheWorkingDirectory() {
    Path p = Provenance.projectDirectory();
    // Tests run from the module directory inside the checkout; the work tree is above the classes.
    if (p != null) {
      assertTrue(Files.exists(p.resolve(".git")), p.toString());
      assertTrue(Path.of(Provenance.class.getProtectionDomain().getCodeSource().getLocation().getPath())
          .startsWith(p), p.toString());
    }
  }

  @Test
  void writesJsonWithNullForNonFiniteNumbers() throws Exception {
    Provenance prov = new Provenance(7, List.of("run.sh", "a \"quoted\" arg"));
    prov.put("final_val_loss", Double.NaN);
    prov.put("tokens", 12L);
    Path f = tmp.resolve("provenance.json");
    prov.write(f);
    com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(Files.readString(f)).getAsJsonObject();
    assertTrue(o.get("final_val_loss").isJsonNull());
    assertEquals(12, o.get("tokens").getAsLong());
    assertEquals(7, o.get("seed").getAsLong());
    assertEquals("a \"quoted\" arg", o.getAsJsonArray("command_line").get(1).getAsString());
  }
}
