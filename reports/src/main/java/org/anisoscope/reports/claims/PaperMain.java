package org.anisoscope.reports.claims;

import org.anisoscope.reports.ClaimsPage;
import org.anisoscope.reports.ReportException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The command line behind {@code experiments/paper.sh}:
 * <pre>
 *   PaperMain --root REPO [--quick] [-o OUT_DIR] [--list] [--no-run] [--only ID,...] [--matrix F] [--rules F]
 * </pre>
 * Plans the matrix, starts every run that is missing (a half-done one resumes with {@code run.sh --resume}, a
 * finished one is reused), then applies the rules and writes {@code claims.md}, {@code claims.csv},
 * {@code runs.csv} and {@code index.html} into OUT_DIR. {@code --list} prints one self-contained command per run
 * instead (for GNU parallel or a Slurm array; running paper.sh again on the same OUT_DIR joins them). Exit codes:
 * 0 table written, 1 table written but a run started here failed (or an internal error), 2 bad input (nothing run,
 * nothing written), 4 an output cannot be written.
 */
public final class PaperMain {
  static final String OVERWRITE = "anisoscope.run.overwrite=true";
  static final String USAGE = "usage: experiments/paper.sh [--quick] [-o OUT_DIR] [--list] [--no-run] "
      + "[--only ID,...] [--matrix FILE] [--rules FILE]";
  private static final String HELP = USAGE + "\n"
      + "  Runs the paper's matrix (experiments/paper/matrix.conf) as ordinary run directories under OUT_DIR\n"
      + "  (default runs/paper, or runs/paper-quick with --quick), reusing finished runs and resuming half-done\n"
      + "  ones, then applies the pre-registered rules (experiments/paper/rules.conf) and writes claims.md,\n"
      + "  claims.csv, runs.csv and index.html into OUT_DIR.\n"
      + "  --quick      one seed, short runs (the matrix's quick overrides)\n"
      + "  --list       print one self-contained command per run still to do (run them anywhere, e.g. with GNU\n"
      + "               parallel or a Slurm array, then run paper.sh again on the same OUT_DIR to join them)\n"
      + "  --no-run     start nothing; judge what OUT_DIR holds\n"
      + "  --only IDS   only these matrix entries (comma-separated ids); claims needing others are inconclusive";

  private PaperMain() {}

  public static void main(String... args) {
    System.setProperty("java.awt.headless", "true");
    int code = run(System.out, System.err, args);
    if (code != 0) {
      System.exit(code);
    }
  }

  private record Options(Path root, boolean quick, Path out, boolean list, boolean noRun, List<String> only,
      Path matrix, Path rules) {}

  /** Runs the command; returns the exit code. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage() + "; " + USAGE);
      return 2;
    }
    if (o == null) {
      out.println(HELP);
      return 0;
    }
    try {
      Instant started = Instant.now();
      long t0 = System.nanoTime();
      Rules rules = Rules.load(o.rules);
      Matrix matrix = Matrix.load(o.matrix);
      if (!o.only.isEmpty()) {
        matrix = matrix.only(o.only);
      }
      List<PlannedRun> plan = matrix.plan(o.root, o.out, o.quick);
      for (PlannedRun p : plan) {
        RunState s = RunState.of(p);
        if (s.kind() == RunState.Kind.CONFLICT) {
          err.println("error: " + s.detail());
          return 2;
        }
      }
      if (o.list) {
        list(out, o, plan, rules);
        return 0;
      }
      boolean anyFailed = false;
      Map<String, String> statusNow = new LinkedHashMap<>();
      if (!o.noRun) {
        mkdirs(o.out);
        for (PlannedRun p : plan) {
          statusNow.put(p.name(), execute(out, o, p));
          anyFailed |= statusNow.get(p.name()).startsWith("failed");
        }
      }
      Map<String, List<SeedRun>> runs = RunLoader.load(plan);
      // a run that failed here left no directory (or an unfinished one): say why, not just "not run"
      runs.replaceAll((id, seeds) -> seeds.stream().map(sr -> {
        String now = statusNow.get(sr.dir().getFileName().toString());
        return now != null && now.startsWith("failed") && !sr.usable()
            ? SeedRun.missing(sr.runId(), sr.seed(), sr.dir(), now) : sr;
      }).toList());
      List<ClaimResult> results = ClaimEngine.evaluate(rules, runs);
      List<ClaimsFiles.RunRow> rows = new ArrayList<>();
      double runSeconds = 0;
      for (PlannedRun p : plan) {
        RunState s = RunState.of(p);
        runSeconds += s.runSeconds();
        SeedRun sr = runs.get(p.id()).stream().filter(x -> x.dir().equals(p.dir())).findFirst().orElseThrow();
        String status = p.unavailable().orElse(sr.problem().orElse("finished"));
        String now = statusNow.get(p.name());
        rows.add(ClaimsFiles.RunRow.of(sr, now != null && status.equals("finished") ? now : status, s.runSeconds(),
            rules));
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      Map<String, String> prov = PaperProvenance.collect(o.root, o.quick ? "--quick" : "full", started, wall,
          runSeconds, o.rules, o.matrix);
      mkdirs(o.out);
      String md = ClaimsFiles.markdown(results, rows, prov);
      ClaimsPage.writeAtomically(o.out.resolve(ClaimsFiles.CLAIMS_CSV), ClaimsFiles.claimsCsv(results));
      ClaimsPage.writeAtomically(o.out.resolve(ClaimsFiles.RUNS_CSV), ClaimsFiles.runsCsv(rows));
      ClaimsPage.writeAtomically(o.out.resolve(ClaimsFiles.CLAIMS_MD), md);
      Path html = ClaimsPage.write(o.out, rules, results, runs, prov);
      out.println();
      for (ClaimResult r : results) {
        out.printf(Locale.ROOT, "%-3s %-14s %s%n", r.claim().id(), r.verdict().label(),
            r.reason().isEmpty() ? "" : "(" + shorten(r.reason(), 160) + ")");
      }
      out.println("claims: " + o.out.resolve(ClaimsFiles.CLAIMS_MD) + ", " + o.out.resolve(ClaimsFiles.CLAIMS_CSV)
          + ", " + html);
      out.println("wall time " + PaperProvenance.minutes(wall));
      if (anyFailed) {
        err.println("some runs failed (see " + o.out.resolve("logs") + "); the table counts them inconclusive");
        return 1;
      }
      return 0;
    } catch (ReportException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (IOException | UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      Throwable io = e instanceof UncheckedIOException ? e.getCause() : e;
      return io instanceof org.anisoscope.files.OutputException ? 4 : 2; // 4: an output cannot be written
    } catch (java.nio.file.InvalidPathException e) {
      err.println("error: not a valid path: " + e.getInput() + " (" + e.getReason() + ")");
      return 2;
    } catch (RuntimeException e) { // a bug: the stack trace is what is needed to find it
      err.println("internal error (please report it with the output folder):");
      e.printStackTrace(err);
      return 1;
    }
  }

  /** Creates a folder paper.sh writes into; a failure is an output that cannot be written (exit 4). */
  private static void mkdirs(Path dir) throws IOException {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw org.anisoscope.files.OutputException.of(dir, e);
    }
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  /** The command that brings {@code p} forward from its current state, or null when there is nothing to do. */
  static List<String> nextCommand(PlannedRun p, RunState s) {
    if (p.unavailable().isPresent()) {
      return null;
    }
    return switch (s.kind()) {
      case NEW -> p.command();
      case HALF -> List.of(Matrix.RUN_SH, "--resume", p.dir().toString());
      case BROKEN -> concat(p.command(), OVERWRITE);
      default -> null; // FINISHED reused, FAILED kept for inspection, CONFLICT refused earlier
    };
  }

  private static List<String> concat(List<String> a, String b) {
    List<String> l = new ArrayList<>(a);
    l.add(b);
    return l;
  }

  private static void list(PrintStream out, Options o, List<PlannedRun> plan, Rules rules) {
    out.println("# experiments/paper.sh" + (o.quick ? " --quick" : "") + ": one command per run still to do, to be "
        + "run from the repository root;");
    out.println("# then `experiments/paper.sh" + (o.quick ? " --quick" : "") + " -o " + o.out
        + "` joins them (reuses finished runs, resumes half ones) and writes the claims table.");
    for (PlannedRun p : plan) {
      List<String> claims = rules.claims().stream().filter(c -> c.runIds().contains(p.id())).map(Rules.Claim::id)
          .toList();
      String used = claims.isEmpty() ? "no claim" : String.join(",", claims);
      if (p.unavailable().isPresent()) {
        out.println("# " + p.name() + " (" + used + "): " + p.unavailable().get());
        continue;
      }
      RunState s = RunState.of(p);
      List<String> cmd = nextCommand(p, s);
      if (cmd == null) {
        out.println("# " + p.name() + " (" + used + "): " + s.kind().name().toLowerCase(Locale.ROOT)
            + (s.detail().isEmpty() ? "" : " " + s.detail()));
      } else {
        out.println(new PlannedRun(p.id(), p.seed(), p.name(), p.dir(), cmd, p.viaRunSh(), p.unavailable())
            .shellLine() + "   # " + used);
      }
    }
  }

  /** Brings one run forward; returns its status for the runs table ("finished", "reused", "failed (exit N)" ...). */
  private static String execute(PrintStream out, Options o, PlannedRun p) throws IOException {
    if (p.unavailable().isPresent()) {
      out.println("== " + p.name() + ": " + p.unavailable().get());
      return p.unavailable().get();
    }
    RunState s = RunState.of(p);
    List<String> cmd = nextCommand(p, s);
    if (cmd == null) {
      String st = s.kind() == RunState.Kind.FINISHED ? "reused" : s.kind().name().toLowerCase(Locale.ROOT) + " "
          + s.detail();
      out.println("== " + p.name() + ": " + st);
      return st;
    }
    List<String> argv = new ArrayList<>(cmd);
    argv.set(0, o.root.resolve(argv.get(0)).toString());
    out.println("== " + p.name() + ": " + (s.kind() == RunState.Kind.HALF ? "resuming" : "starting") + ": "
        + new PlannedRun(p.id(), p.seed(), p.name(), p.dir(), cmd, p.viaRunSh(), p.unavailable()).shellLine());
    Path logs = o.out.resolve("logs");
    mkdirs(logs);
    long t0 = System.nanoTime();
    Process proc = new ProcessBuilder(argv).directory(o.root.toFile()).redirectErrorStream(true).start();
    String last = "";
    try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8));
         Writer log = Files.newBufferedWriter(logs.resolve(p.name() + ".log"), StandardCharsets.UTF_8,
             StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      String line;
      while ((line = r.readLine()) != null) {
        out.println(line);
        log.write(line + "\n");
        if (!line.isBlank()) {
          last = line;
        }
      }
    }
    int rc;
    try {
      rc = proc.waitFor();
    } catch (InterruptedException e) {
      proc.destroy();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while " + p.name() + " ran");
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    String took = String.format(Locale.ROOT, "%.0f s", secs);
    if (rc != 0) {
      out.println("== " + p.name() + ": failed with exit code " + rc + " after " + took + ": " + last);
      return "failed (exit " + rc + ": " + last + ")";
    }
    out.println("== " + p.name() + ": done in " + took);
    return (s.kind() == RunState.Kind.HALF ? "resumed, " : "ran, ") + took;
  }

  private static Options parse(String... args) {
    Path root = null;
    boolean quick = false;
    Path out = null;
    boolean list = false;
    boolean noRun = false;
    List<String> only = new ArrayList<>();
    Path matrix = null;
    Path rules = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "-h", "--help" -> {
          return null;
        }
        case "--quick" -> quick = true;
        case "--list" -> list = true;
        case "--no-run" -> noRun = true;
        case "--root", "-o", "--out", "--matrix", "--rules", "--only" -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException(a + " needs a value");
          }
          String v = args[++i];
          switch (a) {
            case "--root" -> root = Path.of(v);
            case "--matrix" -> matrix = Path.of(v);
            case "--rules" -> rules = Path.of(v);
            case "--only" -> only.addAll(Arrays.stream(v.split(",")).map(String::strip).filter(x -> !x.isEmpty())
                .toList());
            default -> out = Path.of(v);
          }
        }
        default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
      }
    }
    if (root == null) {
      root = Path.of("").toAbsolutePath();
    }
    root = root.toAbsolutePath().normalize();
    if (out == null) {
      out = root.resolve(quick ? "runs/paper-quick" : "runs/paper");
    }
    return new Options(root, quick, out.toAbsolutePath().normalize(), list, noRun, List.copyOf(only),
        matrix == null ? root.resolve("experiments/paper/matrix.conf") : matrix.toAbsolutePath(),
        rules == null ? root.resolve("experiments/paper/rules.conf") : rules.toAbsolutePath());
  }
}
