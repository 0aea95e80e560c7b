package org.anisoscope.mechanism;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.anisoscope.config.ConfigLoader;
import org.anisoscope.config.Keys;
import org.anisoscope.files.AtomicFiles;
import org.anisoscope.files.BadInputException;
import org.anisoscope.files.Csv;
import org.anisoscope.files.OutputException;
import org.anisoscope.metrics.HeadMetrics;
import org.anisoscope.metrics.HookVectors;
import org.anisoscope.metrics.MeanPairwiseCosine;
import org.anisoscope.model.UntrainedBlock;
import org.anisoscope.reports.CurvePlot;
import org.anisoscope.run.Provenance;
import org.anisoscope.run.RunDirectory;
import org.anisoscope.util.Seeds;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The untrained-block experiment (Godey et al. 2024, "untrained Transformer block"): an embedding table E and one
 * block, both freshly initialised as BERT (N(0, 0.02)); sequences of rows drawn uniformly from E; a shared drift
 * vector {@code N·u} (u a seeded random unit vector) added to every input. For each drift norm N and each factor
 * on the attention logits (temperature): the input's and the output's {@code cos_mean} and the mean attention
 * entropy, over several seeds with 95 % t-intervals. Writes {@code untrained-block.csv} (one row per N and
 * temperature), {@code untrained-block-seeds.csv} (one row per seed as well) and {@code untrained-block.png} into a
 * run directory with {@code config.conf} and {@code provenance.json}.
 *
 * <p>Usage: {@code experiments/untrained-block.sh [--quick] [key=value...]}; keys under
 * {@code anisoscope.untrained-block} (experiments' reference.conf) and {@code anisoscope.run.*}. Exit codes: 0 done,
 * 2 bad input (a key, an existing run directory; nothing written), 4 an output that cannot be written.
 */
public final class UntrainedBlockExperiment {
  static final String PREFIX = "anisoscope.untrained-block.";
  /** {@code --quick}: fewer, shorter sequences (the block keeps BERT's shape), under a minute on 2 cores. */
  static final List<String> QUICK = List.of("untrained-block.sequences=4", "untrained-block.seq-len=64",
      "untrained-block.vocab=4096", "untrained-block.seeds=5", "untrained-block.temperatures=[1.0, 4.0]");
  public static final List<String> COLUMNS = List.of("drift_norm", "drift_ratio", "temperature", "seeds",
      "input_cos_mean", "input_cos_mean_ci_lo", "input_cos_mean_ci_hi", "output_cos_mean", "output_cos_mean_ci_lo",
      "output_cos_mean_ci_hi", "attn_entropy", "attn_entropy_ci_lo", "attn_entropy_ci_hi");

  /** The validated settings. */
  record Params(int dModel, int heads, int dFf, double std, UntrainedBlock.Layout layout, int vocab, int sequences,
      int seqLen, int seeds, int driftPoints, double driftMin, double driftMax, List<Double> temperatures,
      long seed, String runDir, String runName, boolean overwrite) {

    static Params read(Config c) {
      Keys k = new Keys(c);
      int dModel = k.intIn(PREFIX + "d-model", 1, 16384);
      int heads = k.intIn(PREFIX + "heads", 1, 256);
      if (dModel % heads != 0) {
        throw k.invalid(PREFIX + "d-model", "a multiple of untrained-block.heads = " + heads);
      }
      double driftMin = k.doubleIn(PREFIX + "drift-min", 1e-9, 1e9);
      double driftMax = k.doubleIn(PREFIX + "drift-max", 1e-9, 1e9);
      if (driftMax <= driftMin) {
        throw k.invalid(PREFIX + "drift-max", "more than untrained-block.drift-min = " + driftMin);
      }
      List<Double> temps;
      try {
        temps = List.copyOf(c.getDoubleList(PREFIX + "temperatures"));
      } catch (ConfigException e) {
        throw k.invalid(PREFIX + "temperatures", "a list of numbers > 0");
      }
      if (temps.isEmpty() || temps.stream().anyMatch(t -> !(t > 0) || !Double.isFinite(t))) {
        throw k.invalid(PREFIX + "temperatures", "a non-empty list of finite numbers > 0");
      }
      return new Params(dModel, heads, k.intIn(PREFIX + "d-ff", 1, 65536), k.doubleIn(PREFIX + "init-std", 1e-9, 10),
          k.oneOf(PREFIX + "layout", Set.of("post-ln", "pre-ln")).equals("post-ln")
              ? UntrainedBlock.Layout.POST_LN : UntrainedBlock.Layout.PRE_LN,
          k.intIn(PREFIX + "vocab", 1, 10_000_000), k.intIn(PREFIX + "sequences", 1, 4096),
          k.intIn(PREFIX + "seq-len", 2, 65536), k.intIn(PREFIX + "seeds", 2, 1000),
          k.intIn(PREFIX + "drift-points", 2, 1000), driftMin, driftMax, temps,
          k.longValue("anisoscope.run.seed"), k.string("anisoscope.run.dir"), k.string("anisoscope.run.name"),
          k.bool("anisoscope.run.overwrite"));
    }

    /** 0, then {@code driftPoints} ratios log-spaced from driftMin to driftMax (times the mean row norm of E). */
    double[] ratios() {
      double[] r = new double[driftPoints + 1];
      for (int i = 0; i < driftPoints; i++) {
        r[i + 1] = driftMin * Math.pow(driftMax / driftMin, (double) i / (driftPoints - 1));
      }
      return r;
    }
  }

  /** One seed's measurements: [ratio][temperature]; input cos_mean does not depend on the temperature. */
  record SeedResult(double meanEmbeddingNorm, double[] inputCos, double[][] outputCos, double[][] entropy) {
  }

  private final PrintStream out;

  UntrainedBlockExperiment(PrintStream out) {
    this.out = out;
  }

  public static void main(String... argv) {
    System.exit(run(System.out, System.err, argv));
  }

  /** Runs the command line; returns the exit code (0 done, 2 bad input, 1 unexpected error). */
  public static int run(PrintStream out, PrintStream err, String... argv) {
    List<String> overrides = new ArrayList<>();
    boolean quick = false;
    for (String a : argv) {
      if (a.equals("--quick")) {
        quick = true;
      } else if (a.equals("--help") || a.equals("-h")) {
        out.println("usage: experiments/untrained-block.sh [--quick] [key=value...]   (keys: anisoscope.run.*, "
            + "anisoscope.untrained-block.* in experiments/src/main/resources/reference.conf)");
        return 0;
      } else if (a.contains("=")) {
        overrides.add(a);
      } else {
        err.println("error: '" + a + "' is neither --quick nor key=value (see --help)");
        return 2;
      }
    }
    List<String> all = new ArrayList<>(quick ? QUICK : List.of());
    all.addAll(overrides);  // the user's keys win over --quick's
    try {
      Config c = ConfigLoader.load(null, all);
      Params p = Params.read(c);
      new UntrainedBlockExperiment(out).execute(p, c, quick, List.of(argv));
      return 0;
    } catch (BadInputException e) {   // settings, an existing run directory
      err.println("error: " + oneLine(e.getMessage()));
      return 2;
    } catch (OutputException e) {
      err.println("error: " + oneLine(e.getMessage()));
      return 4;
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof OutputException o) {  // the reports wrap it
        err.println("error: " + oneLine(o.getMessage()));
        return 4;
      }
      throw e;
    } catch (IOException e) {
      err.println("error: " + oneLine(e.getMessage()));
      return 4;
    }
  }

  private static String oneLine(String message) {
    return String.valueOf(message).replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }

  Path execute(Params p, Config c, boolean quick, List<String> commandLine) throws IOException {
    String name = p.runName().isEmpty() ? "untrained-block" + (quick ? "-quick" : "") + "-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) : p.runName();
    Path parent = Path.of(p.runDir());
    RunDirectory run = RunDirectory.create(parent, name, p.overwrite());
    Files.deleteIfExists(run.checkpoints());  // nothing is trained: no checkpoints
    run.writeConfig(c);
    Provenance prov = new Provenance(p.seed(), commandLine);
    prov.put("experiment", "untrained-block");
    prov.write(run.file("provenance.json"));
    long start = System.nanoTime();
    out.printf(Locale.ROOT, "untrained block (%s, d_model %d, %d heads, d_ff %d, N(0, %.3g)); %d × %d inputs from "
            + "E [%d, %d]; %d drift norms × %d temperatures × %d seeds%n", p.layout().name().toLowerCase(Locale.ROOT),
        p.dModel(), p.heads(), p.dFf(), p.std(), p.sequences(), p.seqLen(), p.vocab(), p.dModel(),
        p.ratios().length, p.temperatures().size(), p.seeds());
    List<SeedResult> results = new ArrayList<>();
    for (int s = 0; s < p.seeds(); s++) {
      results.add(measure(p, p.seed() + s));
      out.printf(Locale.ROOT, "  seed %d done (%.1f s)%n", p.seed() + s, (System.nanoTime() - start) / 1e9);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    List<String[]> rows = summarise(p, results);
    writeCsv(run.file("untrained-block.csv"), COLUMNS, rows);
    writeSeedCsv(run.file("untrained-block-seeds.csv"), p, results);
    plot(run.file("untrained-block.png"), p, rows);
    double meanNorm = results.stream().mapToDouble(SeedResult::meanEmbeddingNorm).average().orElse(Double.NaN);
    prov.put("mean_embedding_norm", meanNorm);
    prov.put("uniform_attention_entropy", Math.log(p.seqLen()));
    prov.put("seconds", seconds);
    prov.finish("finished");
    prov.write(run.file("provenance.json"));
    printTable(rows, p);
    out.printf(Locale.ROOT, "done in %.1f s (mean embedding norm %.4f; uniform attention entropy ln %d = %.4f)%n",
        seconds, meanNorm, p.seqLen(), Math.log(p.seqLen()));
    out.println("wrote " + run.path());
    return run.path();
  }

  /** All measurements of one seed. */
  static SeedResult measure(Params p, long seed) {
    int c = p.dModel();
    int n = p.sequences() * p.seqLen();
    SplittableRandom tableRandom = new SplittableRandom(Seeds.derive(seed, 101, 0));
    float[] table = new float[p.vocab() * c];                       // E [V, C], N(0, std)
    double normSum = 0;
    for (int v = 0; v < p.vocab(); v++) {
      double ss = 0;
      for (int j = 0; j < c; j++) {
        float e = (float) (tableRandom.nextGaussian() * p.std());
        table[v * c + j] = e;
        ss += (double) e * e;
      }
      normSum += Math.sqrt(ss);
    }
    double meanNorm = normSum / p.vocab();
    SplittableRandom draws = new SplittableRandom(Seeds.derive(seed, 102, 0));
    float[] base = new float[n * c];                                // [B·T, C] rows drawn uniformly from E
    for (int i = 0; i < n; i++) {
      System.arraycopy(table, draws.nextInt(p.vocab()) * c, base, i * c, c);
    }
    SplittableRandom dir = new SplittableRandom(Seeds.derive(seed, 103, 0));
    double[] u = new double[c];                                     // the drift direction, a unit vector
    double un = 0;
    for (int j = 0; j < c; j++) {
      u[j] = dir.nextGaussian();
      un += u[j] * u[j];
    }
    for (int j = 0; j < c; j++) {
      u[j] /= Math.sqrt(un);
    }
    UntrainedBlock block = new UntrainedBlock(c, p.heads(), p.dFf(), false, p.layout(), p.std(),
        Seeds.derive(seed, 104, 0));
    double[] ratios = p.ratios();
    int nt = p.temperatures().size();
    double[] inCos = new double[ratios.length];
    double[][] outCos = new double[ratios.length][nt];
    double[][] entropy = new double[ratios.length][nt];
    float[] x = new float[n * c];
    INDArray input = Nd4j.create(DataType.FLOAT, n, c);
    for (int r = 0; r < ratios.length; r++) {
      double drift = ratios[r] * meanNorm;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < c; j++) {
          x[i * c + j] = (float) (base[i * c + j] + drift * u[j]);
        }
      }
      inCos[r] = cosMean(x, n, c);
      input.assign(Nd4j.createFromArray(x).reshape(n, c));
      for (int t = 0; t < nt; t++) {
        block.setTemperature(p.temperatures().get(t));
        INDArray y = block.forward(input, p.sequences(), p.seqLen());
        outCos[r][t] = cosMean(y.data().asFloat(), n, c);
        entropy[r][t] = meanEntropy(block.pattern(p.sequences(), p.seqLen()), p.sequences() * p.heads(), p.seqLen());
      }
    }
    return new SeedResult(meanNorm, inCos, outCos, entropy);
  }

  private static double cosMean(float[] rows, int n, int d) {
    return new MeanPairwiseCosine().value(HookVectors.of(rows, n, d));
  }

  /** The mean over heads (and sequences) of each head's {@code attn_entropy}; pattern {@code [B, H, T, T]}. */
  static double meanEntropy(INDArray pattern, int heads, int seq) {
    FloatBuffer f = pattern.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    float[] head = new float[seq * seq];
    double sum = 0;
    for (int h = 0; h < heads; h++) {
      f.get(h * seq * seq, head);
      sum += HeadMetrics.attentionEntropy(head, seq, seq);
    }
    return sum / heads;
  }

  /** Rows of the summary CSV: mean and 95 % t-interval over seeds, per drift ratio and temperature. */
  static List<String[]> summarise(Params p, List<SeedResult> results) {
    double[] ratios = p.ratios();
    double meanNorm = results.stream().mapToDouble(SeedResult::meanEmbeddingNorm).average().orElseThrow();
    List<String[]> rows = new ArrayList<>();
    for (int r = 0; r < ratios.length; r++) {
      for (int t = 0; t < p.temperatures().size(); t++) {
        final int rr = r;
        final int tt = t;
        List<String> row = new ArrayList<>(List.of(num(ratios[r] * meanNorm), num(ratios[r]),
            num(p.temperatures().get(t)), Integer.toString(results.size())));
        addInterval(row, results.stream().mapToDouble(s -> s.inputCos()[rr]).toArray());
        addInterval(row, results.stream().mapToDouble(s -> s.outputCos()[rr][tt]).toArray());
        addInterval(row, results.stream().mapToDouble(s -> s.entropy()[rr][tt]).toArray());
        rows.add(row.toArray(String[]::new));
      }
    }
    return rows;
  }

  private static void addInterval(List<String> row, double[] v) {
    double[] ci = Intervals.meanWithT95(v);
    row.add(num(ci[0]));
    row.add(num(ci[1]));
    row.add(num(ci[2]));
  }

  /** Six significant digits, trailing zeros dropped ("0.5", "1", "2.40752e-05"). */
  static String num(double v) {
    String s = String.format(Locale.ROOT, "%.6g", v);
    return s.contains(".") && !s.contains("e") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  private static void writeCsv(Path file, List<String> columns, List<String[]> rows) throws IOException {
    AtomicFiles.writeString(file, Csv.table(columns, rows.stream().map(List::of).toList()));
  }

  private static void writeSeedCsv(Path file, Params p, List<SeedResult> results) throws IOException {
    List<String[]> rows = new ArrayList<>();
    double[] ratios = p.ratios();
    for (int s = 0; s < results.size(); s++) {
      SeedResult res = results.get(s);
      for (int r = 0; r < ratios.length; r++) {
        for (int t = 0; t < p.temperatures().size(); t++) {
          rows.add(new String[] {Long.toString(p.seed() + s), num(ratios[r] * res.meanEmbeddingNorm()),
              num(ratios[r]), num(p.temperatures().get(t)), num(res.inputCos()[r]), num(res.outputCos()[r][t]),
              num(res.entropy()[r][t])});
        }
      }
    }
    writeCsv(file, List.of("seed", "drift_norm", "drift_ratio", "temperature", "input_cos_mean", "output_cos_mean",
        "attn_entropy"), rows);
  }

  private static void plot(Path png, Params p, List<String[]> rows) throws IOException {
    Map<String, Map<Double, Double>> outCos = new LinkedHashMap<>();
    Map<String, Map<Double, Double>> entropy = new LinkedHashMap<>();
    Map<String, Map<Double, Double>> inCos = new LinkedHashMap<>();
    for (String[] r : rows) {
      double ratio = Double.parseDouble(r[1]);
      String line = "τ = " + r[2];
      outCos.computeIfAbsent(line, k -> new java.util.TreeMap<>()).put(ratio, Double.parseDouble(r[7]));
      entropy.computeIfAbsent(line, k -> new java.util.TreeMap<>()).put(ratio, Double.parseDouble(r[10]));
      inCos.computeIfAbsent("input", k -> new java.util.TreeMap<>()).put(ratio, Double.parseDouble(r[4]));
    }
    String x = "drift norm N / mean embedding norm";
    CurvePlot.write(png, List.of(
        new CurvePlot.Panel("output cos_mean", x, "cos_mean", outCos, true),
        new CurvePlot.Panel("attention entropy (ln T = " + num(Math.log(p.seqLen())) + ")", x, "nats", entropy, true),
        new CurvePlot.Panel("input cos_mean", x, "cos_mean", inCos, true)));
  }

  private void printTable(List<String[]> rows, Params p) {
    out.printf(Locale.ROOT, "%-10s %-6s %-24s %-24s %-24s%n", "N/‖e‖", "temp", "input cos_mean [95 %]",
        "output cos_mean [95 %]", "attn entropy [95 %]");
    for (String[] r : rows) {
      out.printf(Locale.ROOT, "%-10s %-6s %-24s %-24s %-24s%n", r[1], r[2], triple(r, 4), triple(r, 7), triple(r, 10));
    }
  }

  private static String triple(String[] r, int at) {
    return String.format(Locale.ROOT, "%.4f [%.4f, %.4f]", Double.parseDouble(r[at]), Double.parseDouble(r[at + 1]),
        Double.parseDouble(r[at + 2]));
  }
}
