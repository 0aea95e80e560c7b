package org.anisoscope.cli;

import org.anisoscope.files.BadInputException;
import org.anisoscope.files.OutputException;
import org.anisoscope.reports.CompareReport;
import org.anisoscope.train.DivergenceException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** The command line behind experiments/run.sh. */
@Command(name = "run.sh", mixinStandardHelpOptions = true, version = "anisoscope 0.1.0",
    sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Trains a Transformer as a configuration file says, probes the anisotropy of every layer at step 0 and "
            + "after every epoch, and writes a run directory (runs/<name>/: config.conf, provenance.json, "
            + "train.csv, eval.csv, probes.csv, checkpoints/, report/index.html).",
        "",
        "Several configuration files run in turn (same seed unless they say otherwise), then a table of the final "
            + "cos_mean per layer of each run is printed and saved."},
    footer = {"", "Examples:",
        "  experiments/run.sh configs/char-lm.conf",
        "  experiments/run.sh configs/char-lm.conf train.epochs=1 run.name=quick",
        "  experiments/run.sh configs/bench-shakespeare.conf anisoscope.data.text.path=path/to/tinyshakespeare.txt",
        "  experiments/run.sh --resume runs/char-lm-20261127-101500",
        "",
        "Exit codes: 0 done, 2 bad input (config, data, checkpoint, run directory: one line), 3 training diverged "
            + "(NaN/Inf), 4 an output cannot be written (disk full, unwritable run directory: one line naming the "
            + "path), 1 a bug (with its stack trace)."})
public final class Main implements Callable<Integer> {
  static final int BAD_INPUT = 2;
  static final int DIVERGED = 3;
  static final int CANNOT_WRITE = 4;
  static final int BUG = 1;

  @Parameters(paramLabel = "CONFIG|KEY=VALUE",
      description = "Configuration files (HOCON, see configs/) and key=value overrides applied to each, e.g. "
          + "train.epochs=1 (the 'anisoscope.' prefix is optional).")
  private List<String> args = new ArrayList<>();

  @Option(names = "--resume", paramLabel = "RUN_DIR",
      description = "Continue an interrupted run from its latest checkpoint, with the configuration it started with.")
  private Path resume;

  @Option(names = "--allow-data-change",
      description = "With --resume: continue even if the corpus or tokenizer.json differs from what the run "
          + "started on (their SHA-256s in provenance.json); without it, a change stops the resume.")
  private boolean allowDataChange;

  @Option(names = "--compare-dir", paramLabel = "DIR", defaultValue = "runs/compare",
      description = "Where the comparison of several runs is written (default: ${DEFAULT-VALUE}).")
  private Path compareDir;

  private final PrintStream out;
  private final PrintStream err;
  private final List<String> rawArgs;

  Main(PrintStream out, PrintStream err, List<String> rawArgs) {
    this.out = out;
    this.err = err;
    this.rawArgs = rawArgs;
  }

  public static void main(String... argv) {
    System.exit(run(System.out, System.err, argv));
  }

  /** Runs the command line; returns the exit code (tests call this instead of {@link #main}). */
  public static int run(PrintStream out, PrintStream err, String... argv) {
    CommandLine cl = new CommandLine(new Main(out, err, List.of(argv)));
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> bug(err, e));
    return cl.execute(argv);
  }

  /** Not bad input, not a divergence, not an unwritable output: a bug. Its stack trace, then exit code 1. */
  static int bug(PrintStream err, Throwable e) {
    err.println("internal error (a bug; please report it with this trace and the command line):");
    e.printStackTrace(err);
    return BUG;
  }

  /** An expected error's message as one line, without the class names of wrapped exceptions. */
  static String oneLine(String message) {
    return String.valueOf(message).replaceAll("\\b(java|javax|com|org)\\.[\\w.$]+(Exception|Error): ", "")
        .replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }

  @Override
  public Integer call() {
    return exitCode(err, this::runOrResume);
  }

  /** The work a command does; returns its exit code or throws. */
  @FunctionalInterface
  interface Work {
    int run() throws Exception;
  }

  /**
   * Runs {@code work} and maps how it ended to the exit code: bad input ({@link BadInputException}: configuration,
   * data, checkpoint, run directory, any user-supplied file) 2 with one line; divergence 3; an output that cannot
   * be written ({@link OutputException}: disk full, unwritable run directory) 4 with one line naming the path.
   * Anything else, an {@link IllegalArgumentException} or {@link IllegalStateException} included, is a bug: 1,
   * with its stack trace.
   */
  static int exitCode(PrintStream err, Work work) {
    try {
      return work.run();
    } catch (BadInputException e) {
      err.println("error: " + oneLine(e.getMessage()));
      return BAD_INPUT;
    } catch (DivergenceException e) {
      err.println("diverged: " + oneLine(e.getMessage()));
      return DIVERGED;
    } catch (OutputException e) {
      err.println("error: " + oneLine(e.getMessage()));
      return CANNOT_WRITE;
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof OutputException o) { // the reports wrap it
        err.println("error: " + oneLine(o.getMessage()));
        return CANNOT_WRITE;
      }
      return bug(err, e);
    } catch (Exception e) {
      return bug(err, e);
    }
  }

  private int runOrResume() throws IOException {
    CliArgs parsed = CliArgs.split(args);
    List<Path> configs = parsed.configs();
    List<String> overrides = parsed.overrides();
    Experiment experiment = new Experiment(out);
    if (resume != null) {
      if (!configs.isEmpty() || !overrides.isEmpty()) {
        err.println("--resume takes no configuration files or overrides: the run continues as configured");
        return BAD_INPUT;
      }
      experiment.resume(resume, rawArgs, allowDataChange);
      return 0;
    }
    if (allowDataChange) {
      err.println("--allow-data-change goes with --resume RUN_DIR");
      return BAD_INPUT;
    }
    if (configs.isEmpty()) {
      err.println("no configuration file given; e.g. experiments/run.sh configs/char-lm.conf (see --help)");
      return BAD_INPUT;
    }
    List<Path> runs = new ArrayList<>();
    for (Path c : configs) {
      runs.add(experiment.run(c, overrides, rawArgs));
    }
    if (runs.size() > 1) {
      String table = CompareReport.write(compareDir, runs);
      out.println("final cos_mean per depth (d0 = embeddings):");
      out.println(table);
      out.println("comparison: " + compareDir.resolve(CompareReport.INDEX));
    }
    return 0;
  }
}
