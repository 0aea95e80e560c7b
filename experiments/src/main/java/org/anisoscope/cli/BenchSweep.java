package org.anisoscope.cli;

import com.google.common.base.Preconditions;
import org.anisoscope.files.AtomicFiles;
import org.anisoscope.files.Csv;
import org.anisoscope.reports.CurvePlot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The summary behind {@code experiments/bench.sh --sweep}: reads the raw measurements the script collected (one
 * line per benchmark process: {@code framework d_model d_ff context batch layers heads vocab ms_per_step rss_mb
 * gemm_peak_gflops}, Java and PyTorch alternated), takes medians over the repeats of each point, and writes the
 * table (stdout), {@code sweep.csv} and {@code tokens_per_s.png} (tokens/s against context at the smallest width).
 *
 * <p>Usage: {@code BenchSweep RAW_FILE OUT_DIR}; the last line printed is {@code csv: <path>}.
 */
public final class BenchSweep {
  static final List<String> COLUMNS = List.of("d_model", "context", "batch", "layers", "gflop_per_step",
      "java_ms", "torch_ms", "ratio", "java_tokens_per_s", "torch_tokens_per_s", "java_gflops", "torch_gflops",
      "gemm_peak_gflops", "java_peak_share", "torch_peak_share", "java_rss_mb", "torch_rss_mb", "repeats");

  /** One benchmark process's result. */
  record Measurement(String framework, int dModel, int dFf, int context, int batch, int layers, int heads,
      int vocab, double ms, double rssMb, double peakGflops) {
    String point() {
      return dModel + "/" + dFf + "/" + context + "/" + batch + "/" + layers + "/" + heads + "/" + vocab;
    }
  }

  /** One sweep point: medians over its repeats (NaN where a framework has no measurement). */
  record Row(int dModel, int context, int batch, int layers, double gflop, double javaMs, double torchMs,
      double peak, double javaRss, double torchRss, int repeats) {
    double ratio() {
      return javaMs / torchMs;
    }

    double tokensPerS(double ms) {
      return batch * (double) context / (ms / 1000);
    }

    double gflops(double ms) {
      return gflop / (ms / 1000);
    }

    List<Object> cells() {
      return List.of(dModel, context, batch, layers, round(gflop, 2), round(javaMs, 1), round(torchMs, 1),
          round(ratio(), 3), round(tokensPerS(javaMs), 0), round(tokensPerS(torchMs), 0), round(gflops(javaMs), 1),
          round(gflops(torchMs), 1), round(peak, 1), round(gflops(javaMs) / peak, 3),
          round(gflops(torchMs) / peak, 3), round(javaRss, 0), round(torchRss, 0), repeats);
    }
  }

  private BenchSweep() {
  }

  public static void main(String... argv) throws IOException {
    if (argv.length != 2) {
      System.err.println("usage: BenchSweep RAW_FILE OUT_DIR");
      System.exit(2);
    }
    List<Row> rows = summarise(parse(Path.of(argv[0])));
    Path out = Path.of(argv[1]);
    System.out.print(table(rows));
    Path csv = out.resolve("sweep.csv");
    AtomicFiles.writeString(csv, Csv.table(COLUMNS, rows.stream().map(Row::cells).toList()));
    Path png = out.resolve("tokens_per_s.png");
    chart(rows, png);
    System.out.println("chart: " + png);
    System.out.println("csv: " + csv);
  }

  static List<Measurement> parse(Path raw) throws IOException {
    List<Measurement> ms = new ArrayList<>();
    int n = 0;
    for (String line : Files.readAllLines(raw, StandardCharsets.UTF_8)) {
      n++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.trim().split("\\s+");
      Preconditions.checkArgument(f.length == 11 && (f[0].equals("java") || f[0].equals("torch")),
          "%s line %s: expected 'java|torch d_model d_ff context batch layers heads vocab ms rss_mb peak', got '%s'",
          raw, n, line);
      ms.add(new Measurement(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
          Integer.parseInt(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6]), Integer.parseInt(f[7]),
          Double.parseDouble(f[8]), Double.parseDouble(f[9]), Double.parseDouble(f[10])));
    }
    return ms;
  }

  /** Medians per point, in the order the points were first measured. */
  static List<Row> summarise(List<Measurement> ms) {
    Map<String, List<Measurement>> byPoint = new LinkedHashMap<>();
    for (Measurement m : ms) {
      byPoint.computeIfAbsent(m.point(), k -> new ArrayList<>()).add(m);
    }
    List<Row> rows = new ArrayList<>();
    for (List<Measurement> group : byPoint.values()) {
      Measurement f = group.get(0);
      List<Measurement> java = group.stream().filter(m -> m.framework().equals("java")).toList();
      List<Measurement> torch = group.stream().filter(m -> m.framework().equals("torch")).toList();
      double gflop = Bench.stepFlops(f.layers(), f.dModel(), f.dFf(), f.vocab(), f.batch(), f.context()) / 1e9;
      rows.add(new Row(f.dModel(), f.context(), f.batch(), f.layers(), gflop,
          median(java.stream().mapToDouble(Measurement::ms).toArray()),
          median(torch.stream().mapToDouble(Measurement::ms).toArray()),
          // the peak is measured by the Java process (OpenBLAS, the GEMM both frameworks call)
          median(java.stream().mapToDouble(Measurement::peakGflops).toArray()),
          median(java.stream().mapToDouble(Measurement::rssMb).toArray()),
          median(torch.stream().mapToDouble(Measurement::rssMb).toArray()),
          Math.max(java.size(), torch.size())));
    }
    return rows;
  }

  static String table(List<Row> rows) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "%5s %5s %4s %8s | %9s %9s %6s | %8s %8s | %7s %7s | %5s %5s | %7s %7s%n", "d", "T", "B", "GFLOP",
        "java ms", "torch ms", "ratio", "java t/s", "torch t/s", "java GF", "torch GF", "j/pk", "t/pk",
        "java MB", "torch MB"));
    for (Row r : rows) {
      b.append(String.format(Locale.ROOT,
          "%5d %5d %4d %8.1f | %9.1f %9.1f %6.3f | %8.0f %8.0f | %7.1f %7.1f | %5.2f %5.2f | %7.0f %7.0f%n",
          r.dModel(), r.context(), r.batch(), r.gflop(), r.javaMs(), r.torchMs(), r.ratio(), r.tokensPerS(r.javaMs()),
          r.tokensPerS(r.torchMs()), r.gflops(r.javaMs()), r.gflops(r.torchMs()), r.gflops(r.javaMs()) / r.peak(),
          r.gflops(r.torchMs()) / r.peak(), r.javaRss(), r.torchRss()));
    }
    double peak = median(rows.stream().mapToDouble(Row::peak).toArray());
    b.append(String.format(Locale.ROOT, "GEMM peak (median over the Java runs, [4096,128]x[128,512] float32): "
        + "%.0f GFLOP/s; j/pk, t/pk: each framework's GFLOP/s over that point's peak; MB: peak RSS%n", peak));
    return b.toString();
  }

  /** Tokens/s against context for both frameworks, at the smallest width measured (the context sweep). */
  static void chart(List<Row> rows, Path png) throws IOException {
    int d = rows.stream().mapToInt(Row::dModel).min().orElseThrow();
    Map<String, Map<Double, Double>> lines = new LinkedHashMap<>();
    lines.put("Java (anisoscope)", new TreeMap<>());
    lines.put("PyTorch peer", new TreeMap<>());
    for (Row r : rows) {
      if (r.dModel() == d) {
        if (!Double.isNaN(r.javaMs())) {
          lines.get("Java (anisoscope)").put((double) r.context(), r.tokensPerS(r.javaMs()));
        }
        if (!Double.isNaN(r.torchMs())) {
          lines.get("PyTorch peer").put((double) r.context(), r.tokensPerS(r.torchMs()));
        }
      }
    }
    CurvePlot.write(png, List.of(new CurvePlot.Panel("training step, d_model " + d + " (median)", "context T",
        "tokens/s", lines, true, true)));
  }

  static double median(double[] v) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double round(double v, int digits) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return v;
    }
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
