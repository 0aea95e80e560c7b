package org.anisoscope.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFilesTest {
  @TempDir
  Path tmp;

  private List<Path> listing() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.sorted().toList();
    }
  }

  @Test
  void writesAndReplaces() throws Exception {
    Path f = tmp.resolve("a.txt");
    AtomicFiles.writeString(f, "first");
    AtomicFiles.writeString(f, "second");
    assertEquals("second", Files.readString(f));
    assertEquals(List.of(f), listing(), "no temporary file left");
  }

  @Test
  void createsMissingParentDirectories() throws Exception {
    Path f = tmp.resolve("x/y/z.bin");
    AtomicFiles.writeBytes(f, new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
  }

  @Test
  void aWriterKilledMidWriteLeavesThePreviousFileAndNoTemporaryFile() throws Exception {
    Path f = tmp.resolve("model.ckpt");
    byte[] old = "the previous, complete content".getBytes(StandardCharsets.UTF_8);
    AtomicFiles.writeBytes(f, old);
    byte[] big = new byte[200_000]; // larger than the buffer, so bytes reach the file before the failure
    for (long k : new long[] {0, 1, 65_536, 150_000, big.length - 1}) {
      OutputException e = assertThrows(OutputException.class,
          () -> AtomicFiles.write(f, out -> out.write(big), FailingStream.after(k)));
      assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("No space left"), e.getMessage());
      assertArrayEquals(old, Files.readAllBytes(f), "previous file intact after a failure at byte " + k);
      assertEquals(List.of(f), listing(), "temporary file removed after a failure at byte " + k);
    }
    AtomicFiles.write(f, out -> out.write(big), FailingStream.after(big.length)); // exactly enough: succeeds
    assertArrayEquals(big, Files.readAllBytes(f));
  }

  @Test
  void aBugInTheContentPropagatesAsIsAndLeavesNothing() throws Exception {
    Path f = tmp.resolve("p.json");
    AtomicFiles.writeString(f, "{}");
    assertThrows(IllegalStateException.class, () -> AtomicFiles.write(f, out -> {
      out.write(new byte[100]);
      throw new IllegalStateException("bug");
    }));
    assertEquals("{}", Files.readString(f));
    assertEquals(List.of(f), listing());
  }

  @Test
  void anUnwritableDirectoryIsAnOutputErrorNamingThePath() throws Exception {
    Path notADir = tmp.resolve("plain-file");
    Files.writeString(notADir, "x");
    OutputException e = assertThrows(OutputException.class,
        () -> AtomicFiles.writeString(notADir.resolve("run/config.conf"), "y"));
    assertTrue(e.getMessage().contains(notADir.toString()), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"));
  }

  @Test
  void recognisesItsTemporaryFilesOnly() {
    assertTrue(AtomicFiles.isTemporary(Path.of(".latest.ckpt.1f2e.tmp")));
    assertTrue(!AtomicFiles.isTemporary(Path.of("latest.ckpt")));
  }
}
