package org.anisoscope.reports;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a run directory with known values, as the training side would: config.conf, provenance.json,
 * train.csv, eval.csv, probes.csv. Every value is a short decimal so tests can look for its exact text.
 */
final class SyntheticRun {
  final Path dir;
  int layers = 2;
  int heads = 2;
  long[] probeSteps = {0, 100, 200, 300};
  boolean perHead = true;
  /** Added to every cos_mean, so two runs differ. */
  double cosOffset = 0;
  /** Write cos_mean_ci_lo/hi (cos_mean ∓ ciHalfWidth) and cos_mean_freq_q1..5 rows. */
  boolean intervals = true;
  double ciHalfWidth = 0.03;
  /** Write cone vectors (probes/step-S/<last>.npy, 64 × 8) at the first and last probe step, with labels. */
  boolean cone = false;
  static final int CONE_ROWS = 64;
  static final int CONE_DIM = 8;

  SyntheticRun(Path dir) {
    this.dir = dir;
  }

  SyntheticRun layers(int layers) {
    this.layers = layers;
    return this;
  }

  SyntheticRun perHead(boolean perHead) {
    this.perHead = perHead;
    return this;
  }

  SyntheticRun intervals(boolean intervals) {
    this.intervals = intervals;
    return this;
  }

  SyntheticRun cone(boolean cone) {
    this.cone = cone;
    return this;
  }

  SyntheticRun cosOffset(double cosOffset) {
    this.cosOffset = cosOffset;
    return this;
  }

  long finalStep() {
    return probeSteps[probeSteps.length - 1];
  }

  /** cos_mean written for {@code depth} at {@code step}: grows with depth and with training. */
  double cosMean(int depth, long step) {
    return round4(0.02 + cosOffset + 0.9 * depth / (layers + 1.0) * step / (double) finalStep());
  }

  double cosMeanCentered(int depth, long step) {
    return round4(0.01 + 0.001 * depth + 0.0001 * step / 100);
  }

  double normMeanRatio(int depth, long step) {
    return round4(0.5 * cosMean(depth, step));
  }

  double attnEntropy(int layer, int head, long step) {
    return round4(2.5 - 0.001 * step - 0.1 * layer - 0.01 * head);
  }

  double qMeanNorm(int layer, int head, long step) {
    return round4(0.5 + 0.01 * step * (layer + 1) / 100 + 0.1 * head);
  }

  double valLoss(long step) {
    return round4(3.0 - step / 200.0);
  }

  Path write() throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.conf"), """
        # resolved configuration
        anisoscope {
          run { name = "synthetic", seed = 7 }
          model { layers = %d, heads = %d, d-model = 32 }
          probe { hooks = ["hook_embed", "blocks.*.hook_resid_post"], note = "<b>not bold</b> & fine" }
        }
        """.formatted(layers, heads));
    Files.writeString(dir.resolve("provenance.json"), """
        {
          "project": {"name": "anisoscope", "version": "0.1.0-SNAPSHOT"},
          "git": {"commit": "0123456789abcdef0123456789abcdef01234567", "dirty": false},
          "java": {"version": "17.0.12"},
          "os": {"name": "Linux", "arch": "amd64"},
          "nd4j": {"backend": "CpuBackend", "blas": "OPENBLAS", "threads": 2},
          "seed": 7,
          "start": "2025-01-01T10:00:00Z",
          "end": "2025-01-01T10:05:00Z",
          "data": [{"file": "data/tiny.txt", "bytes": 1234, "sha256": "ab"}]
        }
        """);
    StringBuilder train = new StringBuilder("step,epoch,loss,lr,grad_norm,tokens_per_s,elapsed_s,accuracy\n");
    for (long s = 10; s <= finalStep(); s += 10) {
      train.append(s).append(',').append(s / 100).append(',').append(round4(4.0 * Math.exp(-s / 150.0) + 1.0))
          .append(",0.001,1.5,12000.5,").append(s / 10.0).append(",0.5\n");
    }
    Files.writeString(dir.resolve("train.csv"), train);
    StringBuilder eval = new StringBuilder("step,epoch,split,loss,accuracy\n");
    for (long s : probeSteps) {
      if (s > 0) {
        eval.append(s).append(',').append(s / 100).append(",val,").append(valLoss(s)).append(",0.4\n");
      }
    }
    Files.writeString(dir.resolve("eval.csv"), eval);
    StringBuilder probes = new StringBuilder("step,epoch,hook,layer,head,metric,value\n");
    for (long s : probeSteps) {
      long epoch = s / 100;
      for (int d = 0; d <= layers; d++) {
        String hook = Hooks.atDepth(d);
        String layer = d == 0 ? "" : Integer.toString(d - 1);
        String prefix = s + "," + epoch + "," + hook + "," + layer + ",,";
        probes.append(prefix).append("cos_mean,").append(cosMean(d, s)).append('\n');
        probes.append(prefix).append("cos_mean_centered,").append(cosMeanCentered(d, s)).append('\n');
        probes.append(prefix).append("norm_mean_ratio,").append(normMeanRatio(d, s)).append('\n');
        if (intervals) {
          probes.append(prefix).append("cos_mean_ci_lo,").append(round4(cosMean(d, s) - ciHalfWidth)).append('\n');
          probes.append(prefix).append("cos_mean_ci_hi,").append(round4(cosMean(d, s) + ciHalfWidth)).append('\n');
          for (int q = 1; q <= 5; q++) {
            probes.append(prefix).append("cos_mean_freq_q").append(q).append(',').append(freq(d, s, q)).append('\n');
          }
        }
      }
      probes.append(s).append(',').append(epoch).append(",ln_final.hook_normalized,,,cos_mean,0.5\n");
      if (perHead) {
        for (int l = 0; l < layers; l++) {
          for (int h = 0; h < heads; h++) {
            String q = s + "," + epoch + ",blocks." + l + ".attn.hook_q," + l + "," + h + ",";
            String k = s + "," + epoch + ",blocks." + l + ".attn.hook_k," + l + "," + h + ",";
            String p = s + "," + epoch + ",blocks." + l + ".attn.hook_pattern," + l + "," + h + ",";
            probes.append(q).append("q_mean_norm,").append(qMeanNorm(l, h, s)).append('\n');
            probes.append(k).append("k_mean_norm,").append(round4(qMeanNorm(l, h, s) * 0.8)).append('\n');
            probes.append(q).append("qk_mean_cos,").append(round4(0.1 + 0.002 * s * (l + 1) / 10)).append('\n');
            probes.append(p).append("attn_entropy,").append(attnEntropy(l, h, s)).append('\n');
          }
        }
      }
    }
    Files.writeString(dir.resolve("probes.csv"), probes);
    if (cone) {
      writeCone(probeSteps[0], 0.0);
      writeCone(finalStep(), 3.0);
    }
    return dir;
  }

  /** cos_mean of frequency group q: rarer groups more anisotropic. */
  double freq(int depth, long step, int q) {
    return round4(cosMean(depth, step) + 0.02 * (q - 3));
  }

  static String coneHook(int layers) {
    return Hooks.atDepth(layers);
  }

  /**
   * Cone vectors: a shared offset {@code shift} along the first axis plus seeded Gaussian noise (shift 0: nearly
   * isotropic; shift 3: a narrow cone), labels id = row % 5 with row 0 unlabelled.
   */
  private void writeCone(long step, double shift) throws IOException {
    java.util.SplittableRandom r = new java.util.SplittableRandom(step + 11);
    float[] v = new float[CONE_ROWS * CONE_DIM];
    for (int i = 0; i < CONE_ROWS; i++) {
      for (int j = 0; j < CONE_DIM; j++) {
        double g = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
        v[i * CONE_DIM + j] = (float) (g + (j == 0 ? shift : 0));
      }
    }
    Path d = dir.resolve(String.format(java.util.Locale.ROOT, "probes/step-%07d", step));
    Files.createDirectories(d);
    writeNpy(d.resolve(coneHook(layers) + ".npy"), v, CONE_ROWS, CONE_DIM);
    StringBuilder labels = new StringBuilder();
    for (int i = 0; i < CONE_ROWS; i++) {
      labels.append(i == 0 ? "-1" : ", " + (i % 5));
    }
    Files.writeString(d.resolve(coneHook(layers) + ".labels.json"), "{\"hook\": \"" + coneHook(layers)
        + "\", \"step\": " + step + ", \"kind\": \"token-frequency quintile\", \"ordered\": true,\n"
        + " \"names\": [\"q1 (most frequent)\", \"q2\", \"q3\", \"q4\", \"q5 (rarest)\"],\n \"labels\": ["
        + labels + "]}\n");
  }

  /** A NumPy v1.0 little-endian float32 file, as the probe writes them. */
  static void writeNpy(Path file, float[] data, int rows, int cols) throws IOException {
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
    int total = 10 + header.length() + 1;
    header = header + " ".repeat((64 - total % 64) % 64) + "\n";
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + header.length() + 4 * data.length)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    b.putShort((short) header.length());
    b.put(header.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    for (float f : data) {
      b.putFloat(f);
    }
    Files.write(file, b.array());
  }

  /** A run directory with the given files holding only their header rows. */
  static Path headersOnly(Path dir, List<String> files) throws IOException {
    Files.createDirectories(dir);
    for (String f : files) {
      String header = switch (f) {
        case "train.csv" -> "step,epoch,loss,lr,grad_norm,tokens_per_s,elapsed_s";
        case "eval.csv" -> "step,epoch,split,loss";
        case "probes.csv" -> "step,epoch,hook,layer,head,metric,value";
        default -> throw new IllegalArgumentException(f);
      };
      Files.writeString(dir.resolve(f), header + "\n");
    }
    return dir;
  }

  static double round4(double v) {
    return new BigDecimal(v).setScale(4, RoundingMode.HALF_EVEN).doubleValue();
  }
}
