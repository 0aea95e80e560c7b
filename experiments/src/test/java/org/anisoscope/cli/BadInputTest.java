package org.anisoscope.cli;

import org.anisoscope.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input through the command line, table-driven: each case exits with {@link Main#BAD_INPUT} (or
 * {@link Main#DIVERGED}), prints ONE line on stderr naming the file and what was expected, no stack trace, and
 * writes nothing (no run directory for a new run; an existing run directory left byte for byte as it was).
 */
class BadInputTest {
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

  private Path corpus() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      sb.append("the quick brown fox jumps over the lazy dog number ").append(i % 17).append(".\n");
    }
    Path f = tmp.resolve("corpus.txt");
    Files.writeString(f, sb.toString());
    return f;
  }

  private Path tinyConfig() throws Exception {
    Path f = tmp.resolve("tiny.conf");
    Files.writeString(f, String.join("\n",
        "anisoscope {",
        "  run { dir = \"" + tmp.resolve("runs") + "\", name = tiny }",
        "  model { layers = 1, heads = 2, d-model = 8, context = 8 }",
        "  data.text.path = \"" + corpus() + "\"",
        "  train { epochs = 1, steps-per-epoch = 4, batch-size = 2, eval-batches = 1, warmup-steps = 1,"
            + " sample-tokens = 0, log-every = 100, checkpoint-every = 1 }",
        "  probe { sequences = 2, batch-size = 2, bootstrap = 0 }",
        "}"));
    return f;
  }

  /** Asserts the error contract and returns the message. */
  private String assertOneLineError(int expectedCode, int code, String... mustContain) {
    String e = err.toString(StandardCharsets.UTF_8).strip();
    assertEquals(expectedCode, code, "exit code; stderr: " + e);
    assertFalse(e.isEmpty(), "no message");
    assertFalse(e.contains("\n"), "more than one line: " + e);
    assertFalse(e.contains("\tat ") || e.contains("Exception:"), "stack trace or raw exception: " + e);
    for (String s : mustContain) {
      assertTrue(e.contains(s), "'" + s + "' missing from: " + e);
    }
    return e;
  }

  @Test
  void badConfigFilesFailInOneLineBeforeWritingAnything() throws Exception {
    Path good = tinyConfig();
    String body = Files.readString(good);
    Map<String, String> files = new LinkedHashMap<>(); // name → content
    files.put("unclosed.conf", body.substring(0, body.length() - 1));
    files.put("stray-brace.conf", body + "\n}\n");
    files.put("no-value.conf", body + "\nanisoscope.train.epochs =\n");
    files.put("bad-include.conf", "include required(\"missing-base.conf\")\n" + body);
    files.put("epochs-word.conf", body + "\nanisoscope.train.epochs = three\n");
    files.put("lr-list.conf", body + "\nanisoscope.train.lr = [1, 2]\n");
    files.put("hooks-number.conf", body + "\nanisoscope.probe.hooks = 5\n");
    files.put("save-maybe.conf", body + "\nanisoscope.probe.save-vectors = maybe\n");
    files.put("dropout-2.conf", body + "\nanisoscope.model.dropout = 2\n");
    files.put("heads-object.conf", body + "\nanisoscope.model.heads { a = 1 }\n");
    files.put("typo.conf", body + "\nanisoscope.train.epoch = 1\n");
    files.put("outside-root.conf", body + "\ntrain.epochs = 1\n");
    files.put("latin1.conf", null); // written below as bytes
    int tried = 0;
    for (Map.Entry<String, String> c : files.entrySet()) {
      Path f = tmp.resolve(c.getKey());
      if (c.getValue() == null) {
        Files.write(f, (body + "\n# caf\u00e9 \u00e0 la cr\u00e8me\nanisoscope.run.name = \"caf\u00e9\"\n")
            .getBytes(StandardCharsets.ISO_8859_1));
      } else {
        Files.writeString(f, c.getValue());
      }
      int code = run(f.toString());
      if (c.getKey().equals("latin1.conf") && code == 0) {
        Assertions.fail("a Latin-1 config was accepted");
      }
      // Typesafe Config names the missing included file, not the file that includes it (ConfigLoader could add it).
      assertOneLineError(Main.BAD_INPUT, code, c.getKey().equals("bad-include.conf") ? "missing-base.conf"
          : c.getKey());
      assertFalse(Files.exists(tmp.resolve("runs")), c.getKey() + " wrote a run directory");
      tried++;
    }
    // Not files at all, and bad overrides.
    assertOneLineError(Main.BAD_INPUT, run(tmp.resolve("nope.conf").toString()), "nope.conf", "not found");
    assertOneLineError(Main.BAD_INPUT, run(tmp.toString()), tmp.toString());
    assertOneLineError(Main.BAD_INPUT, run(good.toString(), "train.epochs=many"), "anisoscope.train.epochs");
    assertOneLineError(Main.BAD_INPUT, run(good.toString(), "probe.hooks=[unclosed"), "probe.hooks");
    // model.device = cuda: the cuda module is not on this class path; and an objective the device model lacks
    assertOneLineError(Main.BAD_INPUT, run(good.toString(), "model.device=cuda"), "model.device = cuda",
        "mvn -Pcuda package");
    assertOneLineError(Main.BAD_INPUT, run(good.toString(), "model.device=cuda", "model.attention=mixer"),
        "anisoscope.model.device", "model.attention = mixer");
    tried += 6;
    assertFalse(Files.exists(tmp.resolve("runs")));
    System.out.println("BadInputTest: " + tried + " bad config inputs");
  }

  @Test
  void badCorpusFilesFailInOneLineBeforeWritingAnything() throws Exception {
    Path conf = tinyConfig();
    String text = "caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00fcber stra\u00dfe\n".repeat(200);
    Map<String, byte[]> cases = new LinkedHashMap<>();
    cases.put("latin1.txt", text.getBytes(StandardCharsets.ISO_8859_1));
    cases.put("utf16le-bom.txt", concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, text.getBytes(
        StandardCharsets.UTF_16LE)));
    cases.put("utf16be-bom.txt", text.getBytes(StandardCharsets.UTF_16)); // Java writes a BE BOM
    cases.put("utf16le.txt", text.getBytes(StandardCharsets.UTF_16LE));
    cases.put("utf16be.txt", text.getBytes(StandardCharsets.UTF_16BE));
    cases.put("empty.txt", new byte[0]);
    cases.put("truncated-utf8.txt", Arrays.copyOf(text.getBytes(StandardCharsets.UTF_8), 4)); // "caf" + half of é
    cases.put("overlong-utf8.txt", new byte[] {'a', (byte) 0xC0, (byte) 0xAF, 'b'});
    cases.put("surrogate-utf8.txt", new byte[] {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80, 'b'});
    cases.put("too-short.txt", "just a few words\n".getBytes(StandardCharsets.UTF_8));
    int tried = 0;
    for (Map.Entry<String, byte[]> c : cases.entrySet()) {
      Path f = tmp.resolve(c.getKey());
      Files.write(f, c.getValue());
      assertOneLineError(Main.BAD_INPUT, run(conf.toString(), "data.text.path=" + f), c.getKey());
      assertFalse(Files.exists(tmp.resolve("runs")), c.getKey() + " wrote a run directory");
      tried++;
    }
    Path dir = Files.createDirectories(tmp.resolve("a-directory.txt"));
    assertOneLineError(Main.BAD_INPUT, run(conf.toString(), "data.text.path=" + dir), "a-directory.txt");
    assertOneLineError(Main.BAD_INPUT, run(conf.toString(), "data.text.path=" + tmp.resolve("missing.txt")),
        "missing.txt");
    tried += 2;
    assertFalse(Files.exists(tmp.resolve("runs")));
    System.out.println("BadInputTest: " + tried + " bad corpus files");
  }

  @Test
  void badCheckpointsAndRunDirectoriesFailOnResumeWithoutTouchingTheRun() throws Exception {
    Path conf = tinyConfig();
    assertEquals(0, run(conf.toString()), err.toString(StandardCharsets.UTF_8));
    assertEquals(0, run(conf.toString(), "run.name=wide", "model.d-model=16"), err.toString(StandardCharsets.UTF_8));
    Path r = tmp.resolve("runs/tiny");
    Path ckpt = r.resolve("checkpoints/latest.ckpt");
    byte[] good = Files.readAllBytes(ckpt);
    Map<String, byte[]> cases = new LinkedHashMap<>();
    cases.put("empty", new byte[0]);
    cases.put("garbage", "this is not a checkpoint at all, just text\n".repeat(50).getBytes(StandardCharsets.UTF_8));
    for (int cut : new int[] {5, 30, 60, good.length / 2, good.length - 9, good.length - 1}) {
      cases.put("truncated to " + cut + " bytes", Arrays.copyOf(good, cut));
    }
    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x10;
    cases.put("one flipped data byte", flipped);
    cases.put("trailing bytes", concat(good, new byte[] {1, 2, 3}));
    ByteArrayOutputStream v99 = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(v99);
    d.writeUTF("anisoscope-checkpoint");
    d.writeInt(99);
    d.writeLong(3);
    cases.put("version 99", v99.toByteArray());
    cases.put("another model's checkpoint (d-model 16)",
        Files.readAllBytes(tmp.resolve("runs/wide/checkpoints/latest.ckpt")));
    int tried = 0;
    for (Map.Entry<String, byte[]> c : cases.entrySet()) {
      Files.write(ckpt, c.getValue());
      Map<String, String> before = snapshot(r);
      String e = assertOneLineError(Main.BAD_INPUT, run("--resume", r.toString()), "latest.ckpt");
      assertEquals(before, snapshot(r), c.getKey() + " changed the run directory; " + e);
      tried++;
    }
    Files.write(ckpt, good);
    assertEquals(0, run("--resume", r.toString()), "the intact checkpoint still resumes: " + err);

    // Damaged logs and directories.
    Path train = r.resolve("train.csv");
    byte[] csv = Files.readAllBytes(train);
    Files.writeString(train, "not,the,header\n1,2,3\n");
    assertOneLineError(Main.BAD_INPUT, run("--resume", r.toString()), "train.csv", "header");
    Files.writeString(train, new String(csv, StandardCharsets.UTF_8).replaceFirst("\n1,", "\nx,"));
    assertOneLineError(Main.BAD_INPUT, run("--resume", r.toString()), "train.csv", "line 2");
    Files.write(train, csv);
    Path bare = Files.createDirectories(tmp.resolve("runs/killed-while-created/checkpoints"));
    assertOneLineError(Main.BAD_INPUT, run("--resume", bare.getParent().toString()), "killed-while-created",
        "no config.conf");
    assertOneLineError(Main.BAD_INPUT, run("--resume", tmp.resolve("runs/never").toString()), "never");
    tried += 4;
    System.out.println("BadInputTest: " + tried + " bad checkpoints / run directories on --resume");
  }

  @Test
  void probeVectorBudgetFailsBeforeWritingAnything() throws Exception {
    Path conf = tinyConfig();
    // 2 vector hooks × (2 × 8 × 8 × 4 + 128 bytes) × 2 probe steps = 4 KiB: over a 0.001 MB budget? Use heavier
    // settings instead: 64 sequences × context 64 × d 64 × 4 bytes = 1 MiB per hook and step.
    int code = run(conf.toString(), "probe.save-vectors=true", "probe.max-vector-mb=1", "probe.sequences=64",
        "model.context=64", "model.d-model=64", "probe.hooks=[\"hook_embed\"]", "train.epochs=2");
    String e = assertOneLineError(Main.BAD_INPUT, code, "probe.max-vector-mb = 1", "3 probe steps",
        "probe.save-vectors", "probe.sequences");
    assertTrue(e.contains("3.0 MB"), e);
    assertFalse(Files.exists(tmp.resolve("runs")));
    // The same run within budget goes through and writes what was estimated.
    assertEquals(0, run(conf.toString(), "probe.save-vectors=true", "probe.max-vector-mb=4", "probe.sequences=64",
        "model.context=64", "model.d-model=64", "probe.hooks=[\"hook_embed\"]", "train.epochs=2"), err.toString());
    long written;
    try (Stream<Path> w = Files.walk(tmp.resolve("runs/tiny/probes"))) {
      written = w.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    assertEquals(3L * (64 * 64 * 64 * 4 + 128), written);
  }

  @Test
  void divergenceExitsWith3NamingTheStepAndKeepsAFiniteCheckpoint() throws Exception {
    // The largest learning rate allowed (10) without clipping does not blow this model up (Adam bounds each
    // update by about lr), so a NaN gradient is injected at update 3 through the fault-injection property.
    System.setProperty(org.anisoscope.train.Trainer.POISON_PROPERTY, "3");
    int code;
    try {
      code = run(tinyConfig().toString(), "train.lr=10", "train.min-lr=0", "train.grad-clip=0");
    } finally {
      System.clearProperty(org.anisoscope.train.Trainer.POISON_PROPERTY);
    }
    String e = assertOneLineError(Main.DIVERGED, code, "diverged: step 3: gradient norm is NaN; first non-finite "
        + "gradient: ", "latest.ckpt keeps step 2");
    Checkpoint c = Checkpoint.read(tmp.resolve("runs/tiny/checkpoints/latest.ckpt"));
    assertTrue(c.isFinite(), "latest.ckpt holds NaN/Inf after: " + e);
    assertTrue(e.contains("keeps step " + c.step()), e);
    System.out.println("BadInputTest divergence: " + e);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** Every file under {@code dir} with its size and hash, to prove a failed command wrote nothing. */
  private static Map<String, String> snapshot(Path dir) throws Exception {
    Map<String, String> m = new TreeMap<>();
    List<Path> all = new ArrayList<>();
    try (Stream<Path> w = Files.walk(dir)) {
      w.forEach(all::add);
    }
    for (Path p : all) {
      m.put(dir.relativize(p).toString(), Files.isDirectory(p) ? "dir"
          : Arrays.hashCode(Files.readAllBytes(p)) + ":" + Files.getLastModifiedTime(p));
    }
    return m;
  }

  private static final class Assertions {
    static void fail(String message) {
      org.junit.jupiter.api.Assertions.fail(message);
    }
  }
}
