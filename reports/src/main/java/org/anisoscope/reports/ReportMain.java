package org.anisoscope.reports;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of the reports (experiments/report.sh calls it):
 * <pre>
 *   ReportMain RUN_DIR...                    writes RUN_DIR/report/index.html, prints its path
 *   ReportMain --compare OUT_DIR [--metric M]... RUN_DIR...
 *                                            writes OUT_DIR/index.html and OUT_DIR/compare.csv, prints the table;
 *                                            --metric draws M against normalised depth besides cos_mean
 * </pre>
 * An error prints one line to stderr, naming the path and what was expected, and exits with 2; no stack trace.
 */
public final class ReportMain {
  static final String USAGE = "usage: ReportMain RUN_DIR... | ReportMain --compare OUT_DIR [--metric M]... RUN_DIR...";

  private ReportMain() {}

  public static void main(String... args) {
    System.setProperty("java.awt.headless", "true");
    int code = run(System.out, System.err, args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs the command; returns the exit code (0 ok, 2 bad input, 4 the report cannot be written, 1 an internal error). */
  static int run(PrintStream out, PrintStream err, String... args) {
    try {
      if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
        (args.length == 0 ? err : out).println(USAGE);
        return args.length == 0 ? 2 : 0;
      }
      if (args[0].equals("--compare")) {
        if (args.length < 3) {
          err.println("error: --compare needs OUT_DIR and at least one RUN_DIR; " + USAGE);
          return 2;
        }
        Path outDir = Path.of(args[1]);
        List<Path> runs = new ArrayList<>();
        List<String> metrics = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
          if (args[i].equals("--metric")) {
            if (i + 1 >= args.length || args[i + 1].startsWith("-")) {
              err.println("error: --metric needs a metric name, e.g. --metric cos_mean_centered; " + USAGE);
              return 2;
            }
            metrics.add(args[++i]);
          } else if (args[i].startsWith("-")) {
            err.println("error: unknown option '" + args[i] + "'; " + USAGE);
            return 2;
          } else {
            runs.add(Path.of(args[i]));
          }
        }
        if (runs.isEmpty()) {
          err.println("error: --compare needs OUT_DIR and at least one RUN_DIR; " + USAGE);
          return 2;
        }
        out.print(CompareReport.write(outDir, runs, metrics));
        out.println(outDir.resolve(CompareReport.INDEX));
        return 0;
      }
      for (String a : args) {
        if (a.startsWith("-")) {
          err.println("error: unknown option '" + a + "'; " + USAGE);
          return 2;
        }
      }
      for (String a : args) {
        out.println(RunReport.write(Path.of(a)));
      }
      return 0;
    } catch (ReportException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      return e.getCause() instanceof org.anisoscope.files.OutputException ? 4 : 2; // 4: cannot write the report
    } catch (java.nio.file.InvalidPathException e) {
      err.println("error: not a valid path: " + e.getInput() + " (" + e.getReason() + ")");
      return 2;
    } catch (RuntimeException e) { // a bug: the stack trace is what is needed to find it
      err.println("internal error (please report it with the run directory):");
      e.printStackTrace(err);
      return 1;
    }
  }
}
