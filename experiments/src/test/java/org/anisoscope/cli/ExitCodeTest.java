package org.anisoscope.cli;

import org.anisoscope.config.SettingsException;
import org.anisoscope.files.BadInputException;
import org.anisoscope.files.OutputException;
import org.anisoscope.train.DivergenceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exit codes tell bad input (2, one line) from a bug (1, stack trace) and from an unwritable output (4). */
class ExitCodeTest {
  @TempDir
  Path tmp;

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int exit(Main.Work work) {
    err.reset();
    return Main.exitCode(new PrintStream(err, true, StandardCharsets.UTF_8), work);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8).strip();
  }

  @Test
  void validationFailuresAreOneLineExit2() {
    assertEquals(2, exit(() -> {
      throw new BadInputException("runs/x/checkpoints/latest.ckpt: truncated checkpoint");
    }));
    assertEquals("error: runs/x/checkpoints/latest.ckpt: truncated checkpoint", stderr());
    assertEquals(2, exit(() -> {
      throw new SettingsException("command line: anisoscope.train.epochs = x: expected an integer");
    }));
    assertFalse(stderr().contains("\n"));
  }

  @Test
  void anInternalIllegalArgumentOrStateIsABugWithItsStackTrace() {
    assertEquals(1, exit(() -> {
      throw new IllegalArgumentException("d-model 130 must be a positive multiple of heads 4");
    }));
    assertTrue(stderr().contains("internal error") && stderr().contains("\tat "), stderr());
    assertTrue(stderr().contains("IllegalArgumentException"), stderr());
    assertEquals(1, exit(() -> {
      throw new IllegalStateException("buffer not allocated");
    }));
    assertTrue(stderr().contains("IllegalStateException") && stderr().contains("\tat "), stderr());
    assertEquals(1, exit(() -> {
      throw new IOException("Input/output error");
    }));
    assertTrue(stderr().contains("\tat "), stderr());
  }

  @Test
  void anOutputThatCannotBeWrittenIsOneLineExit4NamingThePath() {
    Path p = Path.of("runs/x/train.csv");
    assertEquals(4, exit(() -> {
      throw OutputException.of(p, new IOException("No space left on device"));
    }));
    assertEquals("error: cannot write runs/x/train.csv (IOException: No space left on device)", stderr());
    assertEquals(4, exit(() -> {
      throw new UncheckedIOException(OutputException.of(p, new java.nio.file.FileSystemException(p.toString(), null,
          "No space left on device")));
    }));
    assertEquals("error: cannot write runs/x/train.csv (No space left on device)", stderr());
    assertEquals(3, exit(() -> {
      throw new DivergenceException("step 7: loss is NaN");
    }));
  }

  /** End to end: run.dir below a regular file cannot be created. */
  @Test
  void anUnwritableRunDirectoryExits4NamingIt() throws Exception {
    Path blocker = tmp.resolve("not-a-directory");
    Files.writeString(blocker, "x");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      sb.append("the quick brown fox jumps over the lazy dog number ").append(i % 17).append(".\n");
    }
    Path corpus = tmp.resolve("corpus.txt");
    Files.writeString(corpus, sb.toString());
    Path conf = tmp.resolve("tiny.conf");
    Files.writeString(conf, String.join("\n",
        "anisoscope {",
        "  run { dir = \"" + blocker.resolve("runs") + "\", name = tiny }",
        "  model { layers = 1, heads = 2, d-model = 8, context = 8 }",
        "  data.text.path = \"" + corpus + "\"",
        "  train { epochs = 1, steps-per-epoch = 2, batch-size = 2, eval-batches = 1, sample-tokens = 0 }",
        "  probe { sequences = 2, batch-size = 2, bootstrap = 0 }",
        "}"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
        StandardCharsets.UTF_8), conf.toString());
    assertEquals(Main.CANNOT_WRITE, code, stderr());
    assertTrue(stderr().startsWith("error: cannot write " + blocker.resolve("runs").resolve("tiny")), stderr());
    assertFalse(stderr().contains("\n"), stderr());
  }
}
