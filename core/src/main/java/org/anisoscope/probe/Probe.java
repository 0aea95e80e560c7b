package org.anisoscope.probe;

import org.anisoscope.config.ProbeSettings;
import org.anisoscope.config.Settings;
import org.anisoscope.config.SettingsException;
import org.anisoscope.data.Batch;
import org.anisoscope.io.Npy;
import org.anisoscope.metrics.HeadMetrics;
import org.anisoscope.metrics.HookVectors;
import org.anisoscope.metrics.Metric;
import org.anisoscope.metrics.Metrics;
import org.anisoscope.metrics.SharedStatistics;
import org.anisoscope.model.Model;
import org.anisoscope.files.CsvLog;
import org.anisoscope.run.RunDirectory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the model in inference mode on the fixed probe set, collects the requested hooks, computes the metrics
 * and appends long-format rows to {@code probes.csv}. It cannot disturb training: it draws no random numbers
 * (dropout is off, bootstrap seeds are derived from the run seed and step), and it uses activation buffers of
 * its own batch shape.
 */
public final class Probe implements AutoCloseable {
  private final ProbeSettings settings;
  private final Model model;
  private final List<Batch> batches;
  private final List<String> hooks;
  private final List<Metric> metrics;
  private final CsvLog csv;
  private final RunDirectory run;
  private final long seed;
  private final int sequences;
  private TokenGroups tokenGroups;
  private ProbeLabels labels;
  private final ConeVectors cone;

  public Probe(ProbeSettings settings, Model model, List<Batch> batches, CsvLog csv, RunDirectory run, long seed) {
    this.settings = settings;
    this.model = model;
    this.batches = List.copyOf(batches);
    this.csv = csv;
    this.run = run;
    this.seed = seed;
    this.sequences = batches.stream().mapToInt(Batch::size).sum();
    this.hooks = HookSelector.expand(settings.hooks(), model.config().layers(), model.config().attention());
    this.metrics = Metrics.create(settings.metrics());
    String coneHook = ConeVectors.resolve(settings.coneHook(), hooks, model.config().layers());
    this.cone = coneHook == null ? null : new ConeVectors(coneHook, settings.saveVectors(), run);
    this.labels = ProbeLabels.sequenceClasses(this.batches).orElse(null); // supervised modalities: the class
  }

  /**
   * Where the activations come from: by default a forward pass of the ND4J model and its live hooks; the device path
   * ({@code model.device}) runs its own forward pass and copies only {@code names} to the host.
   */
  public interface Source {
    /** Inference forward pass of {@code batch}; at least the hooks {@code names} of it, by name. */
    Map<String, INDArray> hooks(Batch batch, List<String> names);
  }

  private Source source; // null: the ND4J model's forward pass

  /** Takes the activations from {@code s} instead of the ND4J model's forward pass. */
  public Probe withSource(Source s) {
    this.source = s;
    return this;
  }

  private final Metric cosMean = Metrics.registry().create("cos_mean");
  private final Metric partition = Metrics.registry().create("partition_iw");

  /** Also report {@code cos_mean} per token-frequency group on every vector hook. */
  public Probe withTokenGroups(TokenGroups groups) {
    this.tokenGroups = groups;
    if (labels == null) {
      labels = groups.asLabels();
    }
    return this;
  }

  /** Labels of the probe positions for the cone plot (overrides the token-frequency groups). */
  public Probe withLabels(ProbeLabels labels) {
    this.labels = labels;
    return this;
  }

  /** Probes the model as it is now, labelled {@code step}/{@code epoch}. */
  public void run(long step, int epoch) throws IOException {
    int seq = batches.get(0).seq();
    int n = sequences * seq;
    int heads = model.config().heads();
    Map<String, float[]> vectors = new LinkedHashMap<>();  // resid-like hook → [N, C]
    Map<String, float[][]> perHead = new LinkedHashMap<>(); // q/k hook → per head [N, D]
    Map<String, double[]> entropy = new LinkedHashMap<>();  // pattern hook → per head Σ row entropies
    int[] seqIds = new int[n];
    int[] inputTokens = new int[n];
    int[] posLabels = labels == null ? null : new int[n];
    int row = 0;
    int seqOffset = 0;
    for (Batch b : batches) {
      // every probe row is a real position: a padded one would enter the metrics
      com.google.common.base.Preconditions.checkArgument(b.padding() == null,
          "probe batches must not be padded (padded positions would enter the metrics)");
      Map<String, INDArray> live;
      if (source != null) {
        live = source.hooks(b, hooks);
      } else {
        model.hidden(b);
        live = model.hooks(b.size(), b.seq());
      }
      int rows = b.positions();
      if (posLabels != null) {
        System.arraycopy(labels.labels(b), 0, posLabels, row, rows);
      }
      for (int i = 0; i < rows; i++) {
        seqIds[row + i] = seqOffset + i / seq;
        inputTokens[row + i] = b.tokens() == null ? -1 : b.tokens()[i];
      }
      for (String h : hooks) {
        if (HookSelector.isMatrix(h)) {
          continue;                  // parameters, not activations: handled once below
        }
        INDArray a = live.get(h);
        if (HookSelector.isHeadVectors(h)) {
          float[][] dst = perHead.computeIfAbsent(h, k -> new float[heads][]);
          for (int hd = 0; hd < heads; hd++) {
            float[] part = HeadSlice.of(a, hd);                        // [B, T, D]
            if (dst[hd] == null) {
              dst[hd] = new float[n * (part.length / rows)]; // (n · part.length overflows int from 32 768 rows)
            }
            System.arraycopy(part, 0, dst[hd], row * (part.length / rows), part.length);
          }
        } else if (HookSelector.isPattern(h)) {
          double[] acc = entropy.computeIfAbsent(h, k -> new double[heads]);
          int patternRows = rows;
          List<Double> perHeadEntropy = inParallel(heads, hd -> // a logarithm per weight: both cores
              HeadMetrics.attentionEntropy(HeadSlice.of(a, hd), patternRows, seq));   // of [B, T, T]
          for (int hd = 0; hd < heads; hd++) {
            acc[hd] += perHeadEntropy.get(hd) * rows;
          }
        } else {
          float[] part = floats(a);                                   // [B·T, C]
          float[] dst = vectors.computeIfAbsent(h, k -> new float[n * (part.length / rows)]);
          System.arraycopy(part, 0, dst, row * (part.length / rows), part.length);
        }
      }
      row += rows;
      seqOffset += b.size();
    }

    List<Object[]> out = new ArrayList<>();
    // The hooks' metrics side by side (each task in its own SharedStatistics scope; nothing they compute depends on
    // the order), then the rows and files in hook order.
    List<Map.Entry<String, float[]>> vectorHooks = new ArrayList<>(vectors.entrySet());
    List<Map<String, Double>> vectorValues = inParallel(vectorHooks.size(), i -> {
      float[] data = vectorHooks.get(i).getValue();
      HookVectors v = new HookVectors(data, n, data.length / n, seqIds);
      Map<String, Double> values = vectorMetrics(v, step, settings.bootstrap());
      if (tokenGroups != null) {
        values.putAll(frequencyGroups(v, inputTokens));
      }
      return values;
    });
    for (int i = 0; i < vectorHooks.size(); i++) {
      Map.Entry<String, float[]> e = vectorHooks.get(i);
      int d = e.getValue().length / n;
      emit(out, step, epoch, e.getKey(), null, vectorValues.get(i));
      if (settings.saveVectors()) {
        Npy.writeFloat32(run.probeVectors(step).resolve(e.getKey() + ".npy"), e.getValue(), n, d);
      }
      if (cone != null && cone.hook().equals(e.getKey())) {
        cone.save(step, e.getValue(), n, d, posLabels, labels, settings.saveVectors());
      }
    }
    List<String> headHooks = new ArrayList<>(perHead.keySet());
    List<Map<String, Double>> headValues = inParallel(headHooks.size() * heads, task -> {
      String h = headHooks.get(task / heads);
      int hd = task % heads;
      boolean isQ = h.endsWith("hook_q");
      String partner = isQ ? h.replace("hook_q", "hook_k") : h.replace("hook_k", "hook_q");
      float[] data = perHead.get(h)[hd];
      HookVectors v = new HookVectors(data, n, data.length / n, seqIds);
      Map<String, Double> values = vectorMetrics(v, step, 0);
      float[][] other = perHead.get(partner);
      if (other != null) {
        HookVectors w = new HookVectors(other[hd], n, v.d(), seqIds);
        Map<String, Double> qk = isQ ? HeadMetrics.queryKey(v, w) : HeadMetrics.queryKey(w, v);
        if (isQ) {
          values.put(HeadMetrics.Q_MEAN_NORM, qk.get(HeadMetrics.Q_MEAN_NORM));
          values.put(HeadMetrics.QK_MEAN_COS, qk.get(HeadMetrics.QK_MEAN_COS));
          values.put(HeadMetrics.QK_MEAN_DOT, qk.get(HeadMetrics.QK_MEAN_DOT));
        } else {
          values.put(HeadMetrics.K_MEAN_NORM, qk.get(HeadMetrics.K_MEAN_NORM));
        }
      } else {
        values.put(isQ ? HeadMetrics.Q_MEAN_NORM : HeadMetrics.K_MEAN_NORM, meanNorm(v));
      }
      return values;
    });
    for (int i = 0; i < headHooks.size(); i++) {
      String h = headHooks.get(i);
      for (int hd = 0; hd < heads; hd++) {
        emit(out, step, epoch, h, hd, headValues.get(i * heads + hd));
      }
      if (settings.saveVectors()) {
        float[][] parts = perHead.get(h);
        Npy.writeFloat32(run.probeVectors(step).resolve(h + ".npy"), concatHeads(parts, n), n,
            (long) heads * (parts[0].length / n));
      }
    }
    for (Map.Entry<String, INDArray> e : model.matrixHooks().entrySet()) {
      if (hooks.contains(e.getKey())) {
        float[] m = floats(e.getValue());
        int rows = (int) e.getValue().size(0);
        HookVectors v = HookVectors.of(m, rows, (int) e.getValue().size(1));
        Map<String, Double> values = new LinkedHashMap<>();
        try (SharedStatistics shared = SharedStatistics.open(v)) {
          for (Metric metric : metrics) {
            if (!metric.name().equals("cos_mean_intra")) {  // one "sequence": the same as cos_mean
              values.putAll(metric.compute(v));
            }
          }
          values.putIfAbsent("partition_iw", partition.compute(v).get("partition_iw"));
        }
        emit(out, step, epoch, e.getKey(), null, values);
      }
    }
    for (Map.Entry<String, double[]> e : entropy.entrySet()) {
      for (int hd = 0; hd < heads; hd++) {
        emit(out, step, epoch, e.getKey(), hd, Map.of(HeadMetrics.ATTN_ENTROPY, e.getValue()[hd] / n));
      }
    }
    csv.appendAll(out);
  }

  /** cos_mean of the rows whose input token is in each frequency group (NaN for a group with < 2 rows). */
  private Map<String, Double> frequencyGroups(HookVectors v, int[] tokens) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int g = 0; g < tokenGroups.groups(); g++) {
      int count = 0;
      for (int t : tokens) {
        if (tokenGroups.groupOf(t) == g) {
          count++;
        }
      }
      float[] rows = new float[count * v.d()];
      int r = 0;
      for (int i = 0; i < v.n(); i++) {
        if (tokenGroups.groupOf(tokens[i]) == g) {
          System.arraycopy(v.data(), i * v.d(), rows, r * v.d(), v.d());
          r++;
        }
      }
      HookVectors group = HookVectors.of(rows, count, v.d());
      try (SharedStatistics shared = SharedStatistics.open(group)) { // no checksum of a buffer used once
        out.put(TokenGroups.metricName(g), count < 2 ? Double.NaN : cosMean.compute(group).get("cos_mean"));
      }
    }
    return out;
  }

  /**
   * {@code task(0)} … {@code task(count − 1)} on all cores (the common pool and this thread), the results in task
   * order. Each task must depend on nothing another one computes.
   */
  private static <T> List<T> inParallel(int count, java.util.function.IntFunction<T> task) {
    List<T> results = new ArrayList<>(java.util.Collections.nCopies(count, null));
    java.util.stream.IntStream.range(0, count).parallel().forEach(i -> results.set(i, task.apply(i)));
    return results;
  }

  private Map<String, Double> vectorMetrics(HookVectors v, long step, int bootstrap) {
    return ProbeRows.vectorMetrics(metrics, v, bootstrap, seed, step);
  }

  private static double meanNorm(HookVectors v) {
    double[] mean = new double[v.d()];
    for (int i = 0; i < v.n(); i++) {
      for (int j = 0; j < v.d(); j++) {
        mean[j] += v.get(i, j);
      }
    }
    double s = 0;
    for (double x : mean) {
      s += (x / v.n()) * (x / v.n());
    }
    return Math.sqrt(s);
  }

  private static void emit(List<Object[]> out, long step, int epoch, String hook, Integer head,
      Map<String, Double> values) {
    ProbeRows.emit(out, step, epoch, hook, head, values);
  }

  private static float[] floats(INDArray a) {
    INDArray c = a.dataType() == DataType.FLOAT ? a.dup('c') : a.castTo(DataType.FLOAT).dup('c');
    return c.data().asFloat();
  }

  private static float[] concatHeads(float[][] perHead, int n) {
    int d = perHead[0].length / n;
    float[] out = new float[n * d * perHead.length];
    for (int i = 0; i < n; i++) {
      for (int h = 0; h < perHead.length; h++) {
        System.arraycopy(perHead[h], i * d, out, (i * perHead.length + h) * d, d);
      }
    }
    return out;
  }

  /** Bytes of one saved {@code .npy} header for a 2-D float32 array: NumPy pads it to 128 for any sane shape. */
  static final long NPY_HEADER_BYTES = 128;

  /** How many times a run of {@code totalSteps} probes: step 0, every epoch end, every {@code everySteps}. */
  public static long probeSteps(long totalSteps, int stepsPerEpoch, int everySteps) {
    long epochEnds = totalSteps / stepsPerEpoch;
    if (everySteps <= 0) {
      return 1 + epochEnds;
    }
    long both = totalSteps / lcm(stepsPerEpoch, everySteps); // steps that are both, probed once
    return 1 + epochEnds + totalSteps / everySteps - both;
  }

  private static long lcm(long a, long b) {
    long x = a;
    long y = b;
    while (y != 0) {
      long t = x % y;
      x = y;
      y = t;
    }
    return a / x * b;
  }

  /**
   * Bytes that {@code probe.save-vectors} writes over a run: one {@code [N, d-model]} float32 file per vector hook
   * (resid-like hooks, and q/k with heads concatenated; patterns are not saved) per probe step, N = sequences ×
   * context. Zero when vectors are not saved.
   */
  public static long savedVectorBytes(Settings s, long totalSteps, int stepsPerEpoch) {
    ProbeSettings p = s.probe();
    if (!p.saveVectors()) {
      return 0;
    }
    long files = HookSelector.expand(p.hooks(), s.model().layers(), s.model().attention()).stream()
        .filter(h -> !HookSelector.isPattern(h) && !HookSelector.isMatrix(h)).count();  // what is saved
    long perFile = (long) p.sequences() * s.model().context() * s.model().dModel() * Float.BYTES + NPY_HEADER_BYTES;
    return files * perFile * probeSteps(totalSteps, stepsPerEpoch, p.everySteps());
  }

  /**
   * Fails (before anything is written) when the saved vectors would exceed {@code probe.max-vector-mb}, with a
   * one-line message giving the estimate, the budget and the keys that change either.
   */
  public static void checkVectorBudget(Settings s, long totalSteps, int stepsPerEpoch) {
    long bytes = savedVectorBytes(s, totalSteps, stepsPerEpoch);
    int budget = s.probe().maxVectorMb();
    if (budget > 0 && bytes > (long) budget << 20) {
      throw new SettingsException(String.format(java.util.Locale.ROOT, "probe.save-vectors = true would write "
          + "%,.1f MB of probe vectors (%d probe steps), over the budget probe.max-vector-mb = %d; raise "
          + "probe.max-vector-mb, or save less: fewer probe.hooks, probe.sequences, or probe steps "
          + "(probe.every-steps, train.epochs), or probe.save-vectors = false", bytes / 1048576.0,
          probeSteps(totalSteps, stepsPerEpoch, s.probe().everySteps()), budget));
    }
  }

  /** Closes {@code probes.csv}, which this probe writes. */
  @Override
  public void close() throws IOException {
    csv.close();
  }

  /** The concrete hook names this probe collects. */
  public List<String> hooks() {
    return hooks;
  }
}
