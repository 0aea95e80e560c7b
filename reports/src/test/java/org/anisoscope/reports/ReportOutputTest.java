package org.anisoscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A report that cannot be written is its own one-line error (exit 4) naming the path, not bad input. */
class ReportOutputTest {
  @TempDir
  Path tmp;

  @Test
  void anUnwritableReportDirectoryExitsFourNamingIt() throws Exception {
    Path run = new SyntheticRun(tmp.resolve("run")).perHead(false).write();
    Files.writeString(run.resolve("report"), "a file where the report directory goes");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ReportMain.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), run.toString());
    String e = err.toString(StandardCharsets.UTF_8).strip();
    assertEquals(4, code, e);
    assertTrue(e.startsWith("error: cannot write " + run.resolve("report").toAbsolutePath()), e);
    assertEquals(1, e.lines().count(), e);
    assertEquals("a file where the report directory goes", Files.readString(run.resolve("report")));
  }
}
