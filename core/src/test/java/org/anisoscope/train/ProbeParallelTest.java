package org.anisoscope.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.anisoscope.config.Settings;
import org.anisoscope.io.Npy;
import org.anisoscope.io.NpyArray;
import org.anisoscope.metrics.Bootstrap;
import org.anisoscope.metrics.HookVectors;
import org.anisoscope.metrics.Metric;
import org.anisoscope.metrics.Metrics;
import org.anisoscope.util.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe computes its hooks side by side, each in its own shared-statistics scope; every value it writes must be
 * what each metric gives on its own, one after the other, on the same vectors (read back from the saved
 * {@code .npy} files).
 */
class ProbeParallelTest {
  @TempDir
  Path tmp;

  @Test
  void everyProbeValueEqualsTheMetricComputedAloneOnTheSavedVectors() throws Exception {
    Settings s = TinyRun.settings("probe.metrics=[" + String.join(",", Metrics.ALL) + "]", "probe.save-vectors=true",
        "train.epochs=1");
    Path dir = tmp.resolve("run");
    TinyRun.train(s, dir, false, -1);
    Map<String, String> written = new HashMap<>(); // step|hook|head|metric → value
    List<String> lines = Files.readAllLines(dir.resolve("probes.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split(",", -1); // step,epoch,hook,layer,head,metric,value
      written.put(c[0] + "|" + c[2] + "|" + c[4] + "|" + c[5], c[6]);
    }
    int seq = s.model().context();
    int heads = s.model().heads();
    List<Metric> metrics = Metrics.create(Metrics.ALL);
    int checked = 0;
    for (long step : new long[] {0, s.train().stepsPerEpoch()}) {
      Path folder = dir.resolve("probes").resolve(String.format("step-%07d", step));
      try (var files = Files.list(folder)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".npy")).sorted().toList()) {
          String hook = f.getFileName().toString().replace(".npy", "");
          NpyArray a = Npy.read(f);
          int n = (int) a.shape()[0];
          int width = (int) a.shape()[1];
          int[] ids = new int[n];
          for (int i = 0; i < n; i++) {
            ids[i] = i / seq;
          }
          boolean perHead = hook.endsWith("hook_q") || hook.endsWith("hook_k");
          for (int hd = 0; hd < (perHead ? heads : 1); hd++) {
            float[] rows = a.data();
            int d = width;
            if (perHead) { // saved [N, H·D]: head hd's columns
              d = width / heads;
              rows = new float[n * d];
              for (int i = 0; i < n; i++) {
                System.arraycopy(a.data(), i * width + hd * d, rows, i * d, d);
              }
            }
            HookVectors v = new HookVectors(rows, n, d, ids);
            for (Metric m : metrics) {
              Map<String, Double> alone = !perHead && Bootstrap.SUPPORTED.contains(m.name())
                  ? Bootstrap.withInterval(m, v, s.probe().bootstrap(), Seeds.derive(s.run().seed(), Seeds.PROBE_SET,
                      step))
                  : m.compute(v);
              for (Map.Entry<String, Double> e : alone.entrySet()) {
                String key = step + "|" + hook + "|" + (perHead ? String.valueOf(hd) : "") + "|" + e.getKey();
                assertTrue(written.containsKey(key), key + " missing from probes.csv");
                assertEquals(e.getValue(), Double.parseDouble(written.get(key)), key);
                checked++;
              }
            }
          }
        }
      }
    }
    // 2 steps × (3 vector hooks × (11 values + 2 intervals of 2) + 4 q/k hooks × 2 heads × 11 values)
    assertEquals(2 * (3 * (Metrics.ALL.size() + 4) + 4 * heads * Metrics.ALL.size()), checked);
  }
}
