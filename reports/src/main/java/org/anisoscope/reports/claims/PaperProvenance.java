package org.anisoscope.reports.claims;

import com.google.common.hash.Hashing;
import com.google.common.io.MoreFiles;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Where and when the claims table was made: commit, machine, date, wall time, the rules' hash. */
public final class PaperProvenance {
  private PaperProvenance() {}

  /**
   * Label → value, in display order.
   *
   * @param wallSeconds this invocation of paper.sh, start to table
   * @param runSeconds the runs' own start-to-end times (their provenance files), summed over the matrix
   */
  public static Map<String, String> collect(Path root, String mode, Instant started, double wallSeconds,
      double runSeconds, Path rules, Path matrix) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("mode", mode);
    m.put("date", started.truncatedTo(ChronoUnit.SECONDS).toString());
    m.put("wall time (this paper.sh)", minutes(wallSeconds));
    m.put("run time (sum over the runs' provenance)", minutes(runSeconds));
    String commit = git(root, "rev-parse", "HEAD");
    String dirty = git(root, "status", "--porcelain", "--untracked-files=no");
    m.put("commit", commit == null ? "unknown (not a git checkout)"
        : commit + (dirty != null && !dirty.isBlank() ? " (dirty: uncommitted changes)" : ""));
    m.put("machine", host() + ", " + cpu() + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
        + memory());
    m.put("os / java", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch") + " / Java " + System.getProperty("java.version"));
    m.put("rules", rules + " (sha256 " + sha256(rules) + ")");
    m.put("matrix", matrix + " (sha256 " + sha256(matrix) + ")");
    return m;
  }

  static String minutes(double seconds) {
    return String.format(Locale.ROOT, "%.1f min (%.0f s)", seconds / 60, seconds);
  }

  private static String sha256(Path p) {
    try {
      return MoreFiles.asByteSource(p).hash(Hashing.sha256()).toString().substring(0, 16);
    } catch (IOException e) {
      return "unreadable";
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown host";
    }
  }

  private static String cpu() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the core count alone
    }
    return "unknown CPU";
  }

  private static String memory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("MemTotal:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return String.format(Locale.ROOT, "%.1f GiB memory", kb / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return "memory unknown";
  }

  private static String git(Path root, String... args) {
    try {
      String[] cmd = new String[args.length + 3];
      cmd[0] = "git";
      cmd[1] = "-C";
      cmd[2] = root.toString();
      System.arraycopy(args, 0, cmd, 3, args.length);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
