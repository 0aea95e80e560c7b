package org.anisoscope.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CsvTest {
  @TempDir
  Path tmp;

  @Test
  void cellsAreLocaleFreeAndQuotedOnlyWhenNeeded() {
    assertEquals("0.5", Csv.cell(0.5)); // surefire runs under a German locale: no "0,5"
    assertEquals("1.0E-7", Csv.cell(1e-7));
    assertEquals("NaN", Csv.cell(Double.NaN));
    assertEquals("0.25", Csv.cell(0.25f));
    assertEquals("", Csv.cell(null));
    assertEquals("blocks.0.hook_q", Csv.cell("blocks.0.hook_q"));
    assertEquals("\"a,b\"", Csv.cell("a,b"));
    assertEquals("\"say \"\"hi\"\"\"", Csv.cell("say \"hi\""));
    assertEquals("a,,3\n", Csv.row(Arrays.asList("a", null, 3)));
    assertEquals("x,y\n1,2\n", Csv.table(List.of("x", "y"), List.of(List.of(1, 2))));
    assertThrows(IllegalArgumentException.class, () -> Csv.table(List.of("x"), List.of(List.of(1, 2))));
  }

  @Test
  void resumeDropsRowsAfterTheCheckpointAndATornLine() throws Exception {
    Path f = tmp.resolve("train.csv");
    try (CsvLog log = CsvLog.create(f, List.of("step", "loss"))) {
      log.append(1L, 2.5);
      log.appendAll(List.of(new Object[] {2L, 2.0}, new Object[] {3L, 1.5}));
    }
    Files.writeString(f, Files.readString(f) + "4,1.2"); // torn: killed mid-row
    try (CsvLog log = CsvLog.resume(f, List.of("step", "loss"), 2)) {
      log.append(3L, 1.75);
    }
    assertEquals("step,loss\n1,2.5\n2,2.0\n3,1.75\n", Files.readString(f));
    try (var s = Files.list(tmp)) {
      assertEquals(1, s.count(), "no temporary file left");
    }
  }

  @Test
  void aDamagedLogIsBadInputNamingTheFile() throws Exception {
    Path f = tmp.resolve("eval.csv");
    Files.writeString(f, "step,loss\nx,1\n");
    BadInputException e = assertThrows(BadInputException.class, () -> CsvLog.resume(f, List.of("step", "loss"), 0));
    assertEquals(f + " line 2: expected a step number in the first column", e.getMessage());
    assertThrows(BadInputException.class, () -> CsvLog.resume(f, List.of("step", "value"), 0));
    assertThrows(BadInputException.class, () -> CsvLog.resume(tmp.resolve("none.csv"), List.of("step"), 0));
  }
}
