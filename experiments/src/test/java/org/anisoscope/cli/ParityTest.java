package org.anisoscope.cli;

import org.anisoscope.io.Npy;
import org.anisoscope.train.Network;
import org.anisoscope.model.ModelConfig;
import org.anisoscope.objective.CausalLm;
import org.anisoscope.objective.Objectives;
import org.anisoscope.text.Tokenizers;
import org.anisoscope.train.AdamW;
import org.anisoscope.train.Checkpoint;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java side of the PyTorch parity check (experiments/parity.sh): the files the CLI writes, their shapes and
 * dtypes, the parameter names benchmarks/gpt_model.py's {@code java_names()} expects, loss.txt against the cross-
 * entropy of logits.npy; and, where {@code /usr/bin/python3} imports torch, {@code torch_gpt.py parity} on them.
 */
class ParityTest {
  private static final String BASE = Path.of("..", "configs", "base.conf").toString();
  private static final Path TORCH_GPT = Path.of("..", "benchmarks", "torch_gpt.py");
  private static final String[] TINY = {"model.layers=2", "model.heads=2", "model.d-model=16", "model.context=8"};
  private static Boolean torchAvailable;

  @TempDir
  Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out.reset();
    err.reset();
    return Parity.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
        StandardCharsets.UTF_8), args);
  }

  private String[] args(Path dir, String... rest) {
    List<String> a = new ArrayList<>(List.of("--out", dir.toString()));
    a.addAll(List.of(rest));
    return a.toArray(String[]::new);
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  @Test
  void tiedFloat64WritesTheJavaLayoutAndTheLossOfItsLogits() throws Exception {
    Path dir = tmp.resolve("tied");
    assertEquals(0, run(args(dir, concat(new String[] {"--batch", "3", "--vocab", "11", BASE}, TINY))),
        err.toString());
    assertTrue(out.toString().strip().lines().reduce((x, y) -> y).orElse("").startsWith("parity-export: dir="),
        out.toString());
    checkExport(dir, 2, 16, 64, 8, 11, true, 3, 8, "<f8");
    assertEquals("{\"layers\":2,\"heads\":2,\"d_model\":16,\"d_ff\":64,\"context\":8,\"vocab\":11,\"tie\":true}",
        Files.readString(dir.resolve("config.json")).strip());
    assertTorchParity(dir);
  }

  @Test
  void untiedFloat32ShorterThanContext() throws Exception {
    Path dir = tmp.resolve("untied");
    assertEquals(0, run(args(dir, concat(new String[] {"--seq", "5", "--dtype", "float32", "--vocab", "13", BASE,
        "model.tie-embeddings=false", "model.d-ff=24"}, TINY))), err.toString());
    checkExport(dir, 2, 16, 24, 8, 13, false, 4, 5, "<f4");
    assertTrue(Files.readString(dir.resolve("config.json")).contains("\"d_ff\":24,\"context\":8,\"vocab\":13,"
        + "\"tie\":false}"));
    assertTorchParity(dir);
  }

  /** A run directory made by hand: config.conf, tokenizer.json and a float32 checkpoint of other weights. */
  @Test
  void checkpointWeightsReplaceTheFreshOnes() throws Exception {
    Path run = tmp.resolve("run");
    Files.createDirectories(run.resolve("checkpoints"));
    Files.writeString(run.resolve("config.conf"), "anisoscope { run.seed = 5\n model { layers = 1, heads = 2, "
        + "d-model = 8, context = 6, tie-embeddings = false } }\n");
    int vocab;
    {
      var tok = Tokenizers.fit("char", "the quick brown fox", 0);
      tok.save(run.resolve("tokenizer.json"));
      vocab = tok.vocabSize();
    }
    ModelConfig trained = new ModelConfig(vocab, 1, 2, 8, 32, 6, 0.0, true, ModelConfig.Attention.SOFTMAX, false,
        DataType.FLOAT);
    Network m = Network.ofTokens(trained, Objectives.registry().create(CausalLm.NAME), 99);
    Checkpoint.of(40, 2.5, m.params(), new AdamW(m.params(), 0.9, 0.99, 1e-8, 0.1))
        .write(run.resolve("checkpoints/latest.ckpt"));

    Path dir = tmp.resolve("ckpt");
    assertEquals(0, run(args(dir, "--checkpoint", run.toString(), "--batch", "2")), err.toString());
    assertTrue(out.toString().contains("(step 40)"), out.toString());
    checkExport(dir, 1, 8, 32, 6, vocab, false, 2, 6, "<f8");
    double[] wte = doubles(readNpy(dir.resolve("wte.npy")));
    float[] want = m.params().get("wte").value().dup('c').data().asFloat();
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], wte[i], 0.0, "wte[" + i + "] from the checkpoint");
    }
    assertTorchParity(dir);

    // The checkpoint file itself, and a configuration that does not fit it
    Path again = tmp.resolve("ckpt2");
    assertEquals(0, run(args(again, "--checkpoint", run.resolve("checkpoints/latest.ckpt").toString(),
        "--batch", "1")), err.toString());
    assertEquals(BAD_INPUT, run(args(tmp.resolve("ckpt3"), "--checkpoint", run.toString(), "model.d-model=16")));
    assertOneLine("does not match");
  }

  private static final int BAD_INPUT = 2;

  @Test
  void badInputIsOneLineAndExitCode2() throws Exception {
    assertEquals(BAD_INPUT, run(args(tmp.resolve("a"), BASE, "objective.type=masked-lm", "model.causal=false")));
    assertOneLine("causal-lm");
    assertEquals(BAD_INPUT, run(args(tmp.resolve("b"), BASE, "model.attention=none")));
    assertOneLine("softmax");
    assertEquals(BAD_INPUT, run(args(tmp.resolve("c"), "--seq", "9", BASE, "model.context=8")));
    assertOneLine("--seq");
    assertEquals(BAD_INPUT, run(args(tmp.resolve("d"), "--dtype", "float16", BASE)));
    assertOneLine("float16");
    assertEquals(BAD_INPUT, run(args(tmp.resolve("e"), "--checkpoint", tmp.resolve("nothing").toString())));
    assertOneLine("nothing");
    Files.createDirectories(tmp.resolve("full"));
    Files.writeString(tmp.resolve("full/x.npy"), "");
    assertEquals(BAD_INPUT, run(args(tmp.resolve("full"), BASE)));
    assertOneLine("not empty");
    assertEquals(BAD_INPUT, run(args(tmp.resolve("f"))));
    assertOneLine("no configuration file");
  }

  private void assertOneLine(String what) {
    String e = err.toString().strip();
    assertTrue(e.startsWith("error: ") && e.contains(what) && !e.contains("\n"), e);
  }

  /**
   * Every file of an export: the parameters gpt_model.py's java_names() lists (and nothing else), with the Java
   * layout's shapes; tokens and targets int32 [B, T] in the vocabulary; logits [B·T, V]; loss.txt the mean
   * cross-entropy of logits.npy against targets.npy.
   */
  private static void checkExport(Path dir, int layers, int c, int f, int context, int vocab, boolean tie, int b,
      int t, String floatDescr) throws IOException {
    Map<String, long[]> want = new LinkedHashMap<>();
    want.put("wte", new long[] {vocab, c});
    want.put("wpe", new long[] {context, c});
    for (int l = 0; l < layers; l++) {
      String p = "blocks." + l + ".";
      for (String ln : List.of("ln1", "ln2")) {
        want.put(p + ln + ".gamma", new long[] {1, c});
        want.put(p + ln + ".beta", new long[] {1, c});
      }
      want.put(p + "attn.qkv.W", new long[] {c, 3L * c});
      want.put(p + "attn.qkv.b", new long[] {1, 3L * c});
      want.put(p + "attn.proj.W", new long[] {c, c});
      want.put(p + "attn.proj.b", new long[] {1, c});
      want.put(p + "mlp.fc.W", new long[] {c, f});
      want.put(p + "mlp.fc.b", new long[] {1, f});
      want.put(p + "mlp.proj.W", new long[] {f, c});
      want.put(p + "mlp.proj.b", new long[] {1, c});
    }
    want.put("ln_final.gamma", new long[] {1, c});
    want.put("ln_final.beta", new long[] {1, c});
    if (!tie) {
      want.put("lm_head.W", new long[] {c, vocab});
    }
    TreeSet<String> found;
    try (Stream<Path> files = Files.list(dir)) {
      found = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".npy"))
          .map(n -> n.substring(0, n.length() - 4)).collect(Collectors.toCollection(TreeSet::new));
    }
    found.removeAll(List.of("tokens", "targets", "logits", "torch_logits"));
    assertEquals(new TreeSet<>(want.keySet()), found, "parameter files vs gpt_model.py java_names()");
    for (Map.Entry<String, long[]> e : want.entrySet()) {
      Path file = dir.resolve(e.getKey() + ".npy");
      Raw r = readNpy(file);
      assertEquals(floatDescr, r.descr, file.toString());
      assertArrayEquals(e.getValue(), r.shape, file.toString());
      assertArrayEquals(e.getValue(), Npy.read(file).shape(), file.toString()); // the project's reader agrees
    }
    int[] tokens = ints(readNpy(dir.resolve("tokens.npy")), b, t);
    int[] targets = ints(readNpy(dir.resolve("targets.npy")), b, t);
    for (int[] ids : new int[][] {tokens, targets}) {
      assertTrue(Arrays.stream(ids).allMatch(x -> x >= 0 && x < vocab), Arrays.toString(ids));
    }
    Raw logits = readNpy(dir.resolve("logits.npy"));
    assertEquals(floatDescr, logits.descr);
    assertArrayEquals(new long[] {(long) b * t, vocab}, logits.shape);
    double[] z = doubles(logits);
    double sum = 0;
    for (int i = 0; i < b * t; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int v = 0; v < vocab; v++) {
        max = Math.max(max, z[i * vocab + v]);
      }
      double se = 0;
      for (int v = 0; v < vocab; v++) {
        se += Math.exp(z[i * vocab + v] - max);
      }
      sum += max + Math.log(se) - z[i * vocab + targets[i]];
    }
    double mean = sum / (b * t);
    double loss = Double.parseDouble(Files.readString(dir.resolve("loss.txt")).strip());
    // float64: the same sums in another order; float32: Java's loss is computed in float32 arithmetic
    assertEquals(mean, loss, floatDescr.equals("<f8") ? 1e-12 : 1e-5, "loss.txt vs cross-entropy of logits.npy");
    assertTrue(loss > 0.5 * Math.log(vocab) && loss < 2 * Math.log(vocab), "loss " + loss + " for vocab " + vocab);
  }

  private static void assertTorchParity(Path dir) throws Exception {
    Assumptions.assumeTrue(torchAvailable(), "/usr/bin/python3 cannot import torch: torch parity skipped "
        + "(apt-get install python3-torch python3-numpy libopenblas0-pthread)");
    ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", TORCH_GPT.toString(), "parity", "--weights",
        dir.toString(), "--threads", "1").redirectErrorStream(true);
    pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "torch_gpt.py parity did not finish");
    assertEquals(0, p.exitValue(), text);
    String last = text.strip().lines().reduce((x, y) -> y).orElse("");
    assertTrue(last.startsWith("parity: ") && last.endsWith("ok=true"), text);
    assertTrue(Files.exists(dir.resolve("torch_logits.npy")));
  }

  private static synchronized boolean torchAvailable() {
    if (torchAvailable == null) {
      try {
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        torchAvailable = p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (IOException e) {
        torchAvailable = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        torchAvailable = false;
      }
    }
    return torchAvailable;
  }

  /** A .npy file read here independently of {@link Npy}: descr, shape and the little-endian data. */
  private record Raw(String descr, long[] shape, ByteBuffer data) {}

  private static final Pattern DESCR = Pattern.compile("'descr': '([^']*)'");
  private static final Pattern SHAPE = Pattern.compile("'shape': \\(([^)]*)\\)");

  private static Raw readNpy(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals((byte) 0x93, all[0], file.toString());
    assertEquals("NUMPY", new String(all, 1, 5, StandardCharsets.US_ASCII), file.toString());
    assertEquals(1, all[6], file + ": version 1.0");
    int headerLen = b.getShort(8) & 0xffff;
    assertEquals(0, (10 + headerLen) % 64, file + ": header alignment");
    String header = new String(all, 10, headerLen, StandardCharsets.US_ASCII);
    assertTrue(header.contains("'fortran_order': False"), header);
    Matcher d = DESCR.matcher(header);
    Matcher s = SHAPE.matcher(header);
    assertTrue(d.find() && s.find(), header);
    long[] shape = Arrays.stream(s.group(1).split(",")).map(String::strip).filter(x -> !x.isEmpty())
        .mapToLong(Long::parseLong).toArray();
    ByteBuffer data = ByteBuffer.wrap(all, 10 + headerLen, all.length - 10 - headerLen).slice()
        .order(ByteOrder.LITTLE_ENDIAN);
    long count = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
    int item = d.group(1).equals("<f8") ? 8 : 4;
    assertEquals(count * item, data.remaining(), file + ": data size");
    return new Raw(d.group(1), shape, data);
  }

  private static double[] doubles(Raw r) {
    int n = r.data.remaining() / (r.descr.equals("<f8") ? 8 : 4);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = r.descr.equals("<f8") ? r.data.getDouble(i * 8) : r.data.getFloat(i * 4);
    }
    return out;
  }

  private static int[] ints(Raw r, int b, int t) {
    assertEquals("<i4", r.descr);
    assertArrayEquals(new long[] {b, t}, r.shape);
    int[] out = new int[b * t];
    r.data.asIntBuffer().get(out);
    return out;
  }
}
