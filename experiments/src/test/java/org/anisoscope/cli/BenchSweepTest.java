package org.anisoscope.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bench.sh --sweep's summary: medians per point over the alternated runs, the ratio, the CSV and the chart. */
class BenchSweepTest {
  @TempDir
  Path dir;

  @Test
  void mediansRatioAndCsv() throws Exception {
    Path raw = dir.resolve("raw.txt");
    Files.writeString(raw, String.join("\n",
        "# framework d_model d_ff context batch layers heads vocab ms rss peak",
        "java 128 512 64 64 4 4 90 100 900 80",
        "torch 128 512 64 64 4 4 90 200 700 80",
        "java 128 512 128 32 4 4 90 300 950 90",
        "torch 128 512 128 32 4 4 90 150 720 90",
        "java 128 512 64 64 4 4 90 120 910 100",
        "torch 128 512 64 64 4 4 90 180 710 100",
        "java 128 512 64 64 4 4 90 500 905 70",
        "torch 128 512 64 64 4 4 90 190 705 70",
        ""));
    List<BenchSweep.Row> rows = BenchSweep.summarise(BenchSweep.parse(raw));
    assertEquals(2, rows.size());
    BenchSweep.Row r = rows.get(0);
    assertEquals(64, r.context());
    assertEquals(120, r.javaMs(), 1e-12); // median of 100, 120, 500
    assertEquals(190, r.torchMs(), 1e-12);
    assertEquals(120.0 / 190, r.ratio(), 1e-12);
    assertEquals(905, r.javaRss(), 1e-12);
    assertEquals(705, r.torchRss(), 1e-12);
    assertEquals(80, r.peak(), 1e-12);
    assertEquals(3, r.repeats());
    assertEquals(64 * 64 / 0.120, r.tokensPerS(r.javaMs()), 1e-6);
    assertEquals(Bench.stepFlops(4, 128, 512, 90, 64, 64) / 1e9, r.gflop(), 1e-9);

    PrintStream saved = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      BenchSweep.main(raw.toString(), dir.toString());
    } finally {
      System.setOut(saved);
    }
    List<String> out = buf.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals("csv: " + dir.resolve("sweep.csv"), out.get(out.size() - 1));
    List<String> csv = Files.readAllLines(dir.resolve("sweep.csv"));
    List<String> header = List.of(csv.get(0).split(","));
    assertEquals(BenchSweep.COLUMNS, header);
    assertTrue(header.containsAll(List.of("java_ms", "torch_ms", "ratio", "java_rss_mb", "torch_rss_mb")));
    String[] second = csv.get(2).split(",");
    assertEquals("300.0", second[header.indexOf("java_ms")]);
    assertEquals("2.0", second[header.indexOf("ratio")]);
    assertTrue(Files.size(dir.resolve("tokens_per_s.png")) > 1000);
  }

  @Test
  void malformedLineNamesFileAndLine() throws Exception {
    Path raw = dir.resolve("raw.txt");
    Files.writeString(raw, "java 128 512 64\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchSweep.parse(raw));
    assertTrue(e.getMessage().contains("line 1"), e.getMessage());
  }
}
