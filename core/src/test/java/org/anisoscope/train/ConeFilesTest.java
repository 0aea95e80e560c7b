package org.anisoscope.train;

import org.anisoscope.config.Settings;
import org.anisoscope.config.SettingsException;
import org.anisoscope.data.Batch;
import org.anisoscope.data.TokenWindows;
import org.anisoscope.io.Npy;
import org.anisoscope.objective.Objectives;
import org.anisoscope.probe.TokenGroups;
import org.anisoscope.run.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cone's vectors (probe.cone-hook): kept at step 0 and the latest probe step, with their label file. */
class ConeFilesTest {
  private static final String LAST = "blocks.1.hook_resid_post";
  @TempDir
  Path tmp;

  /** Trains like {@link TinyRun#train} with token-frequency groups (as Experiment does for text); returns data. */
  private TokenWindows train(Settings s, Path dir, boolean resume, long stopAt) throws Exception {
    RunDirectory run = resume ? RunDirectory.open(dir) : RunDirectory.create(dir.getParent(),
        dir.getFileName().toString(), false);
    if (!resume) {
      Files.writeString(dir.resolve("config.conf"), "anisoscope {}\n");
    }
    Network model = Network.ofTokens(s.model().toConfig(TinyRun.VOCAB), Objectives.registry().create(s.objective()),
        s.run().seed());
    int[] trainTokens = TinyRun.tokens(400, 1);
    TokenWindows data = new TokenWindows(trainTokens, TinyRun.tokens(120, 2), s.model().context(),
        s.train().batchSize(), s.train().evalBatches(), s.run().seed());
    Trainer t = new Trainer(s, model, data, run, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8));
    t.withTokenGroups(TokenGroups.byFrequency(trainTokens, TinyRun.VOCAB, 5));
    if (stopAt >= 0) {
      t.stopAt(stopAt);
    }
    t.train(resume);
    return data;
  }

  private static List<String> files(Path probes) throws Exception {
    try (Stream<Path> s = Files.walk(probes)) {
      return s.filter(Files::isRegularFile).map(p -> probes.relativize(p).toString().replace('\\', '/')).sorted()
          .toList();
    }
  }

  @Test
  void defaultRunKeepsTheLastLayerAtStepZeroAndTheLastProbeWithLabels() throws Exception {
    // 2 epochs × 6 steps: probes at 0, 6 and 12; step 6's cone is dropped when step 12 is saved.
    TokenWindows data = train(TinyRun.settings(), tmp.resolve("run"), false, -1);
    assertEquals(List.of("step-0000000/" + LAST + ".labels.json", "step-0000000/" + LAST + ".npy",
        "step-0000012/" + LAST + ".labels.json", "step-0000012/" + LAST + ".npy"), files(tmp.resolve("run/probes")));
    var v = Npy.read(tmp.resolve("run/probes/step-0000012/" + LAST + ".npy"));
    int n = 4 * 8; // probe.sequences × context
    assertEquals(List.of((long) n, 8L), java.util.Arrays.stream(v.shape()).boxed().toList());

    // One label per row: the frequency group of that position's input token, as the probe batches hold it.
    String json = Files.readString(tmp.resolve("run/probes/step-0000012/" + LAST + ".labels.json"));
    assertTrue(json.contains("\"kind\": \"token-frequency quintile\""), json);
    assertTrue(json.contains("\"names\": [\"q1 (most frequent)\", \"q2\", \"q3\", \"q4\", \"q5 (rarest)\"]"), json);
    Matcher m = Pattern.compile("\"labels\": \\[([^\\]]*)\\]").matcher(json);
    assertTrue(m.find(), json);
    String[] labels = m.group(1).split(",\\s*");
    assertEquals(n, labels.length);
    TokenGroups groups = TokenGroups.byFrequency(TinyRun.tokens(400, 1), TinyRun.VOCAB, 5);
    int row = 0;
    for (Batch b : data.probeBatches(4, 3)) {
      for (int i = 0; i < b.positions(); i++) {
        assertEquals(groups.groupOf(b.tokens()[i]), Integer.parseInt(labels[row].strip()), "row " + row);
        row++;
      }
    }
    assertEquals(n, row);
  }

  @Test
  void aResumedRunEndsWithTheSameConeFiles() throws Exception {
    Settings s = TinyRun.settings("train.checkpoint-every=2");
    train(s, tmp.resolve("full"), false, -1);
    train(s, tmp.resolve("cut"), false, 7);   // after the probe at step 6
    assertTrue(Files.exists(tmp.resolve("cut/probes/step-0000006/" + LAST + ".npy")));
    train(s, tmp.resolve("cut"), true, -1);
    assertEquals(files(tmp.resolve("full/probes")), files(tmp.resolve("cut/probes")));
    for (String f : files(tmp.resolve("full/probes"))) {
      assertEquals(Files.readString(tmp.resolve("full/probes").resolve(f), StandardCharsets.ISO_8859_1),
          Files.readString(tmp.resolve("cut/probes").resolve(f), StandardCharsets.ISO_8859_1), f);
    }
  }

  @Test
  void saveVectorsKeepsEveryStepAndNoneDisablesTheCone() throws Exception {
    train(TinyRun.settings("probe.save-vectors=true", "probe.cone-hook=hook_embed"), tmp.resolve("all"), false, -1);
    List<String> all = files(tmp.resolve("all/probes"));
    for (String step : List.of("0000000", "0000006", "0000012")) {
      assertTrue(all.contains("step-" + step + "/hook_embed.labels.json"), all.toString());
      assertTrue(all.contains("step-" + step + "/" + LAST + ".npy"), all.toString());
    }
    assertFalse(all.contains("step-0000006/" + LAST + ".labels.json"), "labels only for the cone hook");

    train(TinyRun.settings("probe.cone-hook=none"), tmp.resolve("none"), false, -1);
    assertFalse(Files.exists(tmp.resolve("none/probes")));
  }

  @Test
  void aBadConeHookFailsNamingTheKey() {
    for (String bad : List.of("blocks.7.hook_resid_post", "blocks.0.attn.hook_q", "last", "blocks.0.hook_resid_mid")) {
      SettingsException e = assertThrows(SettingsException.class,
          () -> TinyRun.settings("probe.cone-hook=" + bad), bad);
      assertTrue(e.getMessage().contains("probe.cone-hook") && e.getMessage().contains(bad), e.getMessage());
    }
  }
}
