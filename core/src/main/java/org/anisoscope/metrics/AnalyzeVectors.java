package org.anisoscope.metrics;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.anisoscope.files.AtomicFiles;
import org.anisoscope.files.Csv;
import org.anisoscope.io.Npy;
import org.anisoscope.io.NpyArray;

/**
 * Computes the anisotropy metrics of saved vectors, with no model: {@code experiments/probe.sh PATH...}.
 *
 * <pre>
 * AnalyzeVectors [--seq-len K] [--metrics a,b,...] [--out FILE.csv] PATH...
 * </pre>
 * Each PATH is a {@code .npy} file {@code [N, d]} or a run directory, in which every
 * {@code probes/step-<SSSSSSS>/<hook>.npy} is analysed. All rows form one sequence unless {@code --seq-len K}
 * groups consecutive K rows (what {@code cos_mean_intra} averages over). Prints an aligned table (one line per
 * file, one column per metric) and with {@code --out} writes long-format CSV {@code source,step,hook,metric,value}
 * ({@code .} decimal point whatever the locale). Bad input: one line on stderr naming the path and what was
 * expected, exit code 2.
 */
public final class AnalyzeVectors {
  static final String USAGE = "usage: AnalyzeVectors [--seq-len K] [--metrics a,b,...] [--out FILE.csv] PATH...";

  /** One computed value. */
  record Row(String source, String step, String hook, String metric, double value) {}

  private AnalyzeVectors() {}

  public static void main(String... args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * The whole command; returns the exit code (0, 2 for bad input, 4 when the output cannot be written, 1 for an
   * internal failure, with its stack trace).
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      out.println(USAGE);
      return 0;
    }
    try {
      Options o = Options.parse(args);
      List<Metric> metrics = Metrics.create(o.metrics);
      List<VectorFiles.Entry> entries = new ArrayList<>();
      for (String p : o.paths) {
        entries.addAll(VectorFiles.find(p));
      }
      List<Row> rows = new ArrayList<>();
      for (VectorFiles.Entry e : entries) {
        HookVectors v = load(e.file(), o.seqLen);
        try (SharedStatistics shared = SharedStatistics.open(v)) {
          for (Metric m : metrics) {
            for (Map.Entry<String, Double> kv : m.compute(v).entrySet()) {
              rows.add(new Row(e.source(), e.step(), e.hook(), kv.getKey(), kv.getValue()));
            }
          }
        }
      }
      out.print(table(rows));
      if (o.out != null) {
        writeCsv(o.out, rows);
      }
      return 0;
    } catch (org.anisoscope.files.OutputException e) {
      err.println(e.getMessage());
      return 4;
    } catch (VectorFiles.BadInput | org.anisoscope.files.BadInputException | IOException e) {
      // IOException: reading the .npy files named on the command line, the only input
      err.println(e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(""));
      return 2;
    } catch (RuntimeException e) { // a bug: the stack trace is what is needed to find it
      err.println("internal error:");
      e.printStackTrace(err);
      return 1;
    }
  }

  /** A {@code [N, d]} file as vectors, sequence ids {@code i / seqLen} (all 0 when seqLen is 0). */
  static HookVectors load(Path file, int seqLen) throws IOException, VectorFiles.BadInput {
    NpyArray a = Npy.read(file);
    long[] s = a.shape();
    if (s.length != 2 || s[1] < 1) {
      throw new VectorFiles.BadInput(file + ": shape " + a.shapeString() + " (expected a 2-D array [N, d], d >= 1)");
    }
    int n = (int) s[0];
    int[] ids = new int[n];
    for (int i = 0; seqLen > 0 && i < n; i++) {
      ids[i] = i / seqLen;
    }
    return new HookVectors(a.data(), n, (int) s[1], ids);
  }

  /** One line per (source, step, hook), one column per metric name, in first-seen order. */
  static String table(List<Row> rows) {
    Map<List<String>, Map<String, Double>> lines = new LinkedHashMap<>();
    List<String> columns = new ArrayList<>(List.of("source", "step", "hook"));
    for (Row r : rows) {
      lines.computeIfAbsent(List.of(r.source(), r.step(), r.hook()), k -> new LinkedHashMap<>())
          .put(r.metric(), r.value());
      if (!columns.contains(r.metric())) {
        columns.add(r.metric());
      }
    }
    List<String[]> cells = new ArrayList<>();
    cells.add(columns.toArray(new String[0]));
    for (Map.Entry<List<String>, Map<String, Double>> line : lines.entrySet()) {
      String[] c = new String[columns.size()];
      for (int k = 0; k < 3; k++) {
        c[k] = line.getKey().get(k);
      }
      for (int k = 3; k < c.length; k++) {
        Double v = line.getValue().get(columns.get(k));
        c[k] = v == null ? "" : format(v);
      }
      cells.add(c);
    }
    int[] width = new int[columns.size()];
    for (String[] c : cells) {
      for (int k = 0; k < c.length; k++) {
        width[k] = Math.max(width[k], c[k].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] c : cells) {
      for (int k = 0; k < c.length; k++) {
        String pad = " ".repeat(width[k] - c[k].length());
        sb.append(k == 0 ? "" : "  ").append(k < 3 ? c[k] + pad : pad + c[k]); // text left, numbers right
      }
      sb.append(System.lineSeparator());
    }
    return sb.toString();
  }

  /** Four decimals, or scientific notation for tiny magnitudes; never the default locale. */
  static String format(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.toString(v);
    }
    double a = Math.abs(v);
    return String.format(Locale.ROOT, a != 0 && a < 1e-3 ? "%.3e" : "%.4f", v);
  }

  /** Long-format CSV, written atomically so a reader never sees half of it. */
  static void writeCsv(Path file, List<Row> rows) throws IOException {
    List<List<?>> cells = new ArrayList<>();
    for (Row r : rows) {
      cells.add(List.of(r.source(), r.step(), r.hook(), r.metric(), r.value()));
    }
    AtomicFiles.writeString(file, Csv.table(List.of("source", "step", "hook", "metric", "value"), cells));
  }

  /** The parsed command line. */
  private static final class Options {
    int seqLen;
    Path out;
    List<String> metrics = Metrics.ALL;
    final List<String> paths = new ArrayList<>();

    static Options parse(String[] args) throws VectorFiles.BadInput {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--seq-len" -> {
            String v = value(args, ++i, a);
            try {
              o.seqLen = Integer.parseInt(v);
            } catch (NumberFormatException e) {
              o.seqLen = -1;
            }
            if (o.seqLen < 1) {
              throw new VectorFiles.BadInput("--seq-len " + v + ": expected a positive integer");
            }
          }
          case "--out" -> o.out = Path.of(value(args, ++i, a));
          case "--metrics" -> {
            o.metrics = Arrays.asList(value(args, ++i, a).split(","));
            for (String m : o.metrics) {
              if (!Metrics.registry().contains(m)) {
                throw new VectorFiles.BadInput("--metrics: unknown metric '" + m + "'; known: "
                    + String.join(", ", Metrics.registry().names()));
              }
              if (o.metrics.indexOf(m) != o.metrics.lastIndexOf(m)) {
                throw new VectorFiles.BadInput("--metrics: '" + m + "' listed twice");
              }
            }
          }
          default -> {
            if (a.startsWith("--")) {
              throw new VectorFiles.BadInput(a + ": unknown option; " + USAGE);
            }
            o.paths.add(a);
          }
        }
      }
      if (o.paths.isEmpty()) {
        throw new VectorFiles.BadInput("no PATH given; " + USAGE);
      }
      return o;
    }

    private static String value(String[] args, int i, String option) throws VectorFiles.BadInput {
      if (i >= args.length) {
        throw new VectorFiles.BadInput(option + ": expected a value; " + USAGE);
      }
      return args[i];
    }
  }
}
