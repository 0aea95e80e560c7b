package org.anisoscope.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.anisoscope.config.Settings;
import org.anisoscope.data.Batch;
import org.anisoscope.device.DeviceShape;
import org.anisoscope.device.StepRecord;
import org.anisoscope.model.CpuDevice;
import org.anisoscope.model.Param;
import org.anisoscope.objective.Objectives;
import org.anisoscope.train.AdamW;
import org.anisoscope.train.DeviceTraining;
import org.anisoscope.train.LrSchedule;
import org.anisoscope.train.Network;
import org.anisoscope.train.TrainingStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gpu-check.sh's model checks up to the GPU: a step record written from the ND4J model replays on CpuDevice within
 * the tolerance (and a record whose losses are off by 1e-3 fails), the benchmark runs a config's shape, and the
 * probe-table comparison finds the largest difference of cos_mean rows.
 */
class DeviceCheckTest {
  private static final int VOCAB = 13;

  private static StepRecord record(Settings s, int steps, double offset) {
    Network host = Network.ofTokens(s.model().toConfig(VOCAB), Objectives.registry().create(s.objective()), 5);
    Map<String, float[]> weights = new LinkedHashMap<>();
    for (Param p : host.params().params()) {
      weights.put(p.name(), p.value().dup().data().asFloat());
    }
    TrainingStep step = new TrainingStep(host, AdamW.of(host.params(), s.train()), s.train().gradClip());
    LrSchedule lr = new LrSchedule(s.train().lr(), s.train().minLr(), s.train().warmupSteps(), steps);
    SplittableRandom r = new SplittableRandom(3);
    List<StepRecord.Step> out = new ArrayList<>();
    Map<String, float[]> grads = new LinkedHashMap<>();
    for (int i = 0; i < steps; i++) {
      int[] tokens = new int[4 * 8];
      int[] targets = new int[tokens.length];
      for (int j = 0; j < tokens.length; j++) {
        tokens[j] = r.nextInt(VOCAB);
        targets[j] = (tokens[j] + 1) % VOCAB;
      }
      double loss = step.run(new Batch(4, 8, tokens, targets), lr.at(i)).loss().loss();
      if (i == 0) {
        for (Param p : host.params().params()) {
          grads.put(p.name(), p.grad().dup().data().asFloat());
        }
      }
      out.add(new StepRecord.Step(4, 8, tokens, targets, lr.at(i), 99 + i, loss + offset, loss + offset));
    }
    return new StepRecord(DeviceTraining.shape(host), s.train().weightDecay(), s.train().beta1(), s.train().beta2(),
        s.train().gradClip(), s.train().decayEmbeddings(), weights, out, grads);
  }

  private static Settings tiny() {
    return Settings.load(null, List.of("model.layers=2", "model.heads=2", "model.d-model=16", "model.d-ff=32",
        "model.context=8", "train.lr=3e-3", "train.warmup-steps=2", "train.grad-clip=0.5"));
  }

  @Test
  void aRecordReplaysOnTheCpuDeviceWithinTheTolerance(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("steps.bin");
    record(tiny(), 8, 0).write(file);
    StepRecord r = StepRecord.read(file);
    assertEquals(8, r.steps().size());
    assertEquals(r.weights().keySet(), r.firstGradients().keySet());
    assertTrue(DeviceCheck.replay(r, new CpuDevice(), false));
    // the replay's step-1 gradients are the recorded ones (what the GPU's are compared with)
    StepRecord.Replay again = r.replay(new CpuDevice());
    for (Map.Entry<String, float[]> e : r.firstGradients().entrySet()) {
      float[] g = again.firstGradients().get(e.getKey());
      double scale = 0;
      double diff = 0;
      for (int i = 0; i < g.length; i++) {
        scale = Math.max(scale, Math.abs(e.getValue()[i]));
        diff = Math.max(diff, Math.abs(e.getValue()[i] - g[i]));
      }
      assertTrue(diff <= 1e-4 * scale + 1e-9, e.getKey() + ": max |Δ| " + diff + " vs " + scale);
    }
    // losses 1e-3 away from what the model gives fail the check (it can fail)
    assertFalse(DeviceCheck.replay(record(tiny(), 3, 1e-3), new CpuDevice(), false));
  }

  @Test
  void benchRunsTheShapeOfAConfig(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("small.conf");
    Files.writeString(conf, "anisoscope { model { layers = 2, heads = 2, d-model = 16, context = 8 }\n"
        + "train.batch-size = 2, data.text.vocab-size = 50 }\n");
    assertEquals(16, DeviceCheck.shape(DeviceCheck.config(conf)).dModel());
    assertEquals(64, DeviceCheck.shape(DeviceCheck.config(conf)).dFf()); // d-ff 0 = 4 × d-model
    DeviceCheck.bench(conf, new CpuDevice(), 2);
    // GPT-2 small by nanoGPT's count: 124M parameters with the 50257-token table and 1024 positions
    DeviceShape g = DeviceCheck.shape(DeviceCheck.config(Path.of("../configs/gpt2-small.conf")));
    assertEquals(124_439_808L, g.parameterCount());
    // nanoGPT's estimate: 6·(N − position table) + 12·L·d·T per token
    double perToken = 6.0 * (124_439_808L - 1024 * 768) + 12.0 * 12 * 768 * 1024;
    assertEquals(perToken, g.flopsPerToken(1024), 1e-6 * perToken);
    String half = DeviceCheck.mfu(g, 0.5 * 67e12 / perToken, "NVIDIA H200", false);
    assertTrue(half.contains("MFU 50.0 % of the FP32 peak (67.0 TFLOP/s)"), half);
    assertTrue(DeviceCheck.mfu(g, 0.5 * 494.7e12 / perToken, "NVIDIA H100 80GB HBM3", true).contains("MFU 50.0 %"));
    assertTrue(DeviceCheck.mfu(g, 1000, "Some GPU", false).contains("MFU n/a"));
  }

  @Test
  void probeTablesAreComparedRowByRow(@TempDir Path dir) throws Exception {
    String header = "step,epoch,hook,layer,head,metric,value\n";
    Path a = dir.resolve("a.csv");
    Path b = dir.resolve("b.csv");
    Files.writeString(a, header + "0,0,hook_embed,,,cos_mean,0.25\n0,0,blocks.0.hook_resid_post,0,,cos_mean,0.5\n"
        + "0,0,hook_embed,,,pc1_share,0.9\n");
    Files.writeString(b, header + "0,0,hook_embed,,,cos_mean,0.26\n0,0,blocks.0.hook_resid_post,0,,cos_mean,0.47\n"
        + "0,0,hook_embed,,,pc1_share,0.1\n");
    assertTrue(DeviceCheck.compareProbes(a, b, 0.031));   // max |Δ| 0.03 (pc1_share is not compared)
    assertFalse(DeviceCheck.compareProbes(a, b, 0.029));
  }
}
