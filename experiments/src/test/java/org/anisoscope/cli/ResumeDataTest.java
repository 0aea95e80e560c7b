package org.anisoscope.cli;

import org.anisoscope.run.Provenance;
import org.anisoscope.text.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --resume trains on the run's own data: its tokenizer.json, and the corpus provenance.json recorded. */
class ResumeDataTest {
  @TempDir
  Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out.reset();
    err.reset();
    return Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
        StandardCharsets.UTF_8), args);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8).strip();
  }

  private static String text(String extra) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      sb.append("the quick brown fox jumps over the lazy dog number ").append(i % 17).append(".\n");
    }
    return sb + extra;
  }

  /** A finished tiny run on {@code corpus.txt}; returns its directory. */
  private Path tinyRun(Path corpus) throws Exception {
    Files.writeString(corpus, text(""));
    Path conf = tmp.resolve("tiny.conf");
    Files.writeString(conf, String.join("\n",
        "anisoscope {",
        "  run { dir = \"" + tmp.resolve("runs") + "\", name = tiny }",
        "  model { layers = 1, heads = 2, d-model = 8, context = 8 }",
        "  data.text.path = \"" + corpus + "\"",
        "  train { epochs = 1, steps-per-epoch = 3, batch-size = 2, eval-batches = 1, warmup-steps = 1,"
            + " sample-tokens = 0, log-every = 100 }",
        "  probe { sequences = 2, batch-size = 2, bootstrap = 0 }",
        "}"));
    assertEquals(0, run(conf.toString()), stderr());
    return tmp.resolve("runs/tiny");
  }

  private static Map<String, byte[]> snapshot(Path dir) throws Exception {
    Map<String, byte[]> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return m;
  }

  private static void assertSame(Map<String, byte[]> a, Map<String, byte[]> b) {
    assertEquals(a.keySet(), b.keySet());
    a.forEach((k, v) -> assertArrayEquals(v, b.get(k), k));
  }

  @Test
  void aChangedCorpusStopsTheResumeNamingTheFileAndBothHashes() throws Exception {
    Path corpus = tmp.resolve("corpus.txt");
    Path runDir = tinyRun(corpus);
    String before = Provenance.sha256(corpus);
    assertEquals(before, Provenance.recordedSha256(runDir.resolve("provenance.json")).get("corpus"));
    Files.writeString(corpus, text("ZQX new characters a refit would add to the vocabulary\n"));
    String after = Provenance.sha256(corpus);
    Map<String, byte[]> untouched = snapshot(runDir);

    assertEquals(Main.BAD_INPUT, run("--resume", runDir.toString()), stderr());
    String e = stderr();
    assertFalse(e.contains("\n"), e);
    assertTrue(e.contains(corpus.toString()) && e.contains(before) && e.contains(after)
        && e.contains("--allow-data-change"), e);
    assertSame(untouched, snapshot(runDir));

    // Allowed: the run goes on with ITS tokenizer (a refit on the new text would have added Z, Q, X).
    byte[] tokenizer = Files.readAllBytes(runDir.resolve("tokenizer.json"));
    int vocab = Tokenizers.load(runDir.resolve("tokenizer.json")).vocabSize();
    assertEquals(0, run("--resume", runDir.toString(), "--allow-data-change"), stderr());
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("warning: " + corpus), out.toString());
    assertArrayEquals(tokenizer, Files.readAllBytes(runDir.resolve("tokenizer.json")));
    assertTrue(Tokenizers.fit("char", text("ZQX"), 0).vocabSize() > vocab, "the test's premise");
  }

  @Test
  void aChangedTokenizerFileStopsTheResume() throws Exception {
    Path corpus = tmp.resolve("corpus.txt");
    Path runDir = tinyRun(corpus);
    Path tok = runDir.resolve("tokenizer.json");
    String before = Provenance.sha256(tok);
    Tokenizers.fit("char", text("ZQX"), 0).save(tok); // another vocabulary under the same checkpoint
    String after = Provenance.sha256(tok);
    Map<String, byte[]> untouched = snapshot(runDir);

    assertEquals(Main.BAD_INPUT, run("--resume", runDir.toString()), stderr());
    String e = stderr();
    assertTrue(e.contains(tok.toString()) && e.contains(before) && e.contains(after) && e.contains("vocabulary"), e);
    assertSame(untouched, snapshot(runDir));
  }

  @Test
  void anUnchangedRunResumes() throws Exception {
    Path runDir = tinyRun(tmp.resolve("corpus.txt"));
    assertEquals(0, run("--resume", runDir.toString()), stderr());
    assertFalse(out.toString(StandardCharsets.UTF_8).contains("warning"), out.toString());
  }

  @Test
  void allowDataChangeNeedsResume() throws Exception {
    assertEquals(Main.BAD_INPUT, run(tmp.resolve("x.conf").toString(), "--allow-data-change"));
  }
}
