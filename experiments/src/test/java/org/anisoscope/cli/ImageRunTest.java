package org.anisoscope.cli;

import org.anisoscope.reports.CsvTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The image modality through the command line on the committed 200-image cut (train = validation = the cut):
 * each objective runs end to end into the usual run directory; bad image data fails in one line, exit 2, with
 * nothing written.
 */
class ImageRunTest {
  private static final Path SAMPLES = Path.of("../modalities/src/test/resources/image");
  private static final String[] IDX = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
      "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};

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

  private Path data() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("fmnist"));
    for (String f : IDX) {
      Files.copy(SAMPLES.resolve("fashion-mnist-t10k-first200-" + (f.contains("images") ? "images-idx3-ubyte.gz"
          : "labels-idx1-ubyte.gz")), d.resolve(f));
    }
    return d;
  }

  private Path config(Path data, String objective) throws Exception {
    Path f = tmp.resolve("image-" + objective + ".conf");
    Files.writeString(f, String.join("\n",
        "anisoscope {",
        "  run { dir = \"" + tmp.resolve("runs") + "\", name = " + objective + " }",
        "  model { layers = 1, heads = 2, d-model = 8, context = 16, causal = false }",
        "  objective.type = " + objective,
        "  data { modality = image, image { path = \"" + data + "\", patch-size = 7 } }",
        "  train { epochs = 1, steps-per-epoch = 3, batch-size = 4, eval-batches = 2, warmup-steps = 1,"
            + " sample-tokens = 0, log-every = 100 }",
        "  probe { sequences = 6, batch-size = 3, bootstrap = 10 }",
        "}"));
    return f;
  }

  @Test
  void everyImageObjectiveRunsIntoTheUsualRunDirectory() throws Exception {
    Path data = data();
    for (String objective : new String[] {"classification", "masked-regression", "contrastive"}) {
      int code = run(config(data, objective).toString());
      String log = out.toString(StandardCharsets.UTF_8);
      assertEquals(0, code, objective + ": " + err.toString(StandardCharsets.UTF_8) + log);
      assertTrue(log.contains("token-frequency groups do not apply to image inputs"), log);
      Path run = tmp.resolve("runs").resolve(objective);
      CsvTable probes = CsvTable.read(run.resolve("probes.csv"));
      int embed = 0;
      int intra = 0;
      for (int r = 0; r < probes.rowCount(); r++) {
        assertFalse(probes.string(r, "metric").startsWith("cos_mean_freq"), "frequency rows for images");
        assertFalse(probes.string(r, "hook").equals("W_E"), "token matrix rows for images");
        double v = probes.number(r, "value");
        if (probes.string(r, "metric").equals("cos_mean") && probes.string(r, "hook").equals("hook_embed")) {
          embed++;
          assertTrue(Double.isFinite(v), "cos_mean " + v);
        }
        intra += probes.string(r, "metric").equals("cos_mean_intra") ? 1 : 0;
      }
      assertEquals(2, embed, objective + ": hook_embed cos_mean at steps 0 and 3");
      assertTrue(intra > 0);
      CsvTable eval = CsvTable.read(run.resolve("eval.csv"));
      assertEquals(2, eval.rowCount());
      if (objective.equals("classification")) {
        double acc = eval.number(1, "acc");
        assertTrue(acc >= 0 && acc <= 1, "acc " + acc);
      }
      String prov = Files.readString(run.resolve("provenance.json"));
      assertTrue(prov.contains("train-images-idx3-ubyte.gz") && prov.contains("\"val_images\""), prov);
    }
  }

  /** The DL4J CNN control: the same run files, the same metric rows, accuracy in eval.csv; no resume. */
  @Test
  void theCnnControlWritesTheSameRunFiles() throws Exception {
    Path conf = config(data(), "classification");
    int code = run(conf.toString(), "control.type=cnn", "control.cnn.channels=[2, 3]", "control.cnn.kernel=3",
        "control.cnn.dense=4", "run.name=cnn");
    String log = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8) + log);
    Path run = tmp.resolve("runs").resolve("cnn");
    CsvTable probes = CsvTable.read(run.resolve("probes.csv"));
    java.util.Set<String> hooks = new java.util.TreeSet<>();
    boolean denseIntra = false;
    for (int r = 0; r < probes.rowCount(); r++) {
      hooks.add(probes.string(r, "hook"));
      assertTrue(Double.isFinite(probes.number(r, "value")), "row " + r);
      denseIntra |= probes.string(r, "hook").equals("blocks.4.hook_resid_post")
          && probes.string(r, "metric").equals("cos_mean_intra");
    }
    // conv, pool, conv, pool, dense; not the output layer
    assertEquals(java.util.Set.of("blocks.0.hook_resid_post", "blocks.1.hook_resid_post",
        "blocks.2.hook_resid_post", "blocks.3.hook_resid_post", "blocks.4.hook_resid_post"), hooks);
    assertFalse(denseIntra, "cos_mean_intra of one vector per image");
    CsvTable eval = CsvTable.read(run.resolve("eval.csv"));
    assertEquals(2, eval.rowCount());
    double loss0 = eval.number(0, "loss");
    assertTrue(loss0 > 0 && loss0 < 3 * Math.log(10), "initial cross-entropy " + loss0);  // no weight-decay term
    assertTrue(Files.exists(run.resolve("train.csv")) && Files.exists(run.resolve("report/index.html")));
    assertTrue(Files.readString(run.resolve("provenance.json")).contains("dl4j-cnn"));
    assertEquals(Main.BAD_INPUT, run(conf.toString(), "control.type=cnn", "control.cnn.channels=[0]",
        "run.name=cnn2"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("control.cnn.channels"));
    assertFalse(Files.exists(tmp.resolve("runs").resolve("cnn2")));
    code = run("--resume", run.toString());
    assertEquals(Main.BAD_INPUT, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot be resumed"));
  }

  private String assertBadInput(int code, String... mustContain) {
    String e = err.toString(StandardCharsets.UTF_8).strip();
    assertEquals(Main.BAD_INPUT, code, "exit code; stderr: " + e);
    assertFalse(e.contains("\n"), "more than one line: " + e);
    for (String s : mustContain) {
      assertTrue(e.contains(s), "'" + s + "' missing from: " + e);
    }
    assertFalse(Files.exists(tmp.resolve("runs")), "a run directory was written");
    return e;
  }

  @Test
  void missingDataPrintsTheFetchCommand() throws Exception {
    Path conf = config(tmp.resolve("nowhere"), "classification");
    assertBadInput(run(conf.toString()), "nowhere", "experiments/fetch-data.sh image");
  }

  @Test
  void badImageDataFailsInOneLineBeforeWritingAnything() throws Exception {
    Path conf = config(data(), "classification");
    Path d = tmp.resolve("fmnist");
    byte[] images = Files.readAllBytes(d.resolve(IDX[0]));
    byte[] labels = Files.readAllBytes(d.resolve(IDX[1]));

    Files.write(d.resolve(IDX[0]), labels);                       // wrong magic
    assertBadInput(run(conf.toString()), IDX[0], "magic 0x00000803");
    Files.write(d.resolve(IDX[0]), Arrays.copyOf(images, images.length / 3));  // truncated gzip
    assertBadInput(run(conf.toString()), IDX[0], "ends early");
    Files.write(d.resolve(IDX[0]), gzip(header(0x803, 300, 28, 28), new byte[200 * 28 * 28])); // dims vs length
    assertBadInput(run(conf.toString()), IDX[0], "300 images of 28×28");
    Files.write(d.resolve(IDX[0]), images);
    Files.write(d.resolve(IDX[1]), gzip(header(0x801, 150), new byte[150]));  // 150 labels for 200 images
    assertBadInput(run(conf.toString()), IDX[1], "expected 200 labels");
    Files.write(d.resolve(IDX[1]), labels);
    assertBadInput(run(conf.toString(), "data.image.patch-size=5"), "patch-size", "28×28");
    assertBadInput(run(conf.toString(), "model.context=8"), "model.context", ">= 16");
    assertBadInput(run(conf.toString(), "objective.type=causal-lm"), "objective.type");
  }

  @Test
  void anUnreadablePngFailsInOneLine() throws Exception {
    Path conf = config(tmp, "classification");
    Path root = tmp.resolve("folders");
    for (String split : new String[] {"train", "val"}) {
      for (String cls : new String[] {"a", "b"}) {
        Path dir = Files.createDirectories(root.resolve(split).resolve(cls));
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(28, 28,
            java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 4; i++) {
          javax.imageio.ImageIO.write(img, "png", dir.resolve("img" + i + ".png").toFile());
        }
      }
    }
    Path broken = root.resolve("train").resolve("b").resolve("img9.png");
    Files.write(broken, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    assertBadInput(run(conf.toString(), "data.image.path=" + root), "img9.png", "PNG or JPEG");
    Files.delete(broken);
    assertEquals(0, run(conf.toString(), "data.image.path=" + root, "probe.sequences=4"),
        err.toString(StandardCharsets.UTF_8));
  }

  private static byte[] header(int magic, int... dims) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length);
    b.putInt(magic);
    for (int d : dims) {
      b.putInt(d);
    }
    return b.array();
  }

  private static byte[] gzip(byte[] head, byte[] body) throws Exception {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(o)) {
      gz.write(head);
      gz.write(body);
    }
    return o.toByteArray();
  }
}
