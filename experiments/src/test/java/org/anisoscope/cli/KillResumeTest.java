package org.anisoscope.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault injection: the CLI runs in a child JVM and is killed with SIGKILL ({@link Process#destroyForcibly()} on
 * Linux) at seeded-random moments, then resumed with {@code --resume} until it finishes. The logs, saved probe
 * vectors and checkpoints must equal those of an uninterrupted run of the same seed (timing columns aside): no
 * row lost or duplicated, no temporary file left, the first provenance.json untouched.
 */
class KillResumeTest {
  /** Steps per epoch × 2 epochs; probes every 3 steps, checkpoints every 2, so kills land between the two. */
  private static final int STEPS_PER_EPOCH = 9;

  @TempDir
  Path tmp;

  /** One kill at a random step: the fast variant of the default build. */
  @Test
  void oneKillThenResumeEqualsTheUninterruptedRun() throws Exception {
    Report r = killAndResume(1, false, 11);
    assertEquals(1, r.kills, r.toString());
  }

  /** A kill before the first checkpoint, then kills at several random steps (some land in probes/evaluation). */
  @Test
  @Tag("slow")
  void manyKillsThenResumesEqualTheUninterruptedRun() throws Exception {
    Report r = killAndResume(6, true, 2024);
    assertTrue(r.kills >= 4, r.toString());
  }

  private record Report(int kills, List<String> moments) {
  }

  private Report killAndResume(int maxKills, boolean killBeforeFirstCheckpoint, long seed) throws Exception {
    Path conf = tinyConfig();
    Path runs = tmp.resolve("runs");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = Main.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), conf.toString(), "run.name=reference");
    assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
    Path ref = runs.resolve("reference");
    Path run = runs.resolve("killed");

    SplittableRandom random = new SplittableRandom(seed);
    List<String> moments = new ArrayList<>();
    byte[] firstProvenance = null;
    int kills = 0;
    int launches = 0;
    boolean finished = false;
    while (!finished) {
      assertTrue(launches < maxKills + 3, "too many launches: " + moments);
      Path log = tmp.resolve("child-" + launches + ".log");
      Process p = launches == 0 ? child(log, conf.toString(), "run.name=killed") : child(log, "--resume",
          run.toString());
      launches++;
      boolean killed = false;
      if (kills < maxKills) {
        if (killBeforeFirstCheckpoint && kills == 0) {
          killed = killWhen(p, () -> Files.exists(run.resolve("provenance.json")), 0);
        } else {
          long done = rows(run.resolve("train.csv"));
          long target = done + 1 + random.nextLong(Math.max(1, 2L * STEPS_PER_EPOCH - done - 2));
          killed = killWhen(p, () -> rows(run.resolve("train.csv")) >= target, random.nextInt(40));
        }
      }
      if (killed) {
        kills++;
        moments.add(String.format(Locale.ROOT, "kill %d: %d train rows, latest.ckpt %s, %s (last output '%s')",
            kills, rows(run.resolve("train.csv")), Files.exists(run.resolve("checkpoints/latest.ckpt")) ? "present"
                : "absent", phase(lastLine(log)), lastLine(log)));
        if (firstProvenance == null && Files.exists(run.resolve("provenance.json"))) {
          firstProvenance = Files.readAllBytes(run.resolve("provenance.json"));
        }
      } else {
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "child did not finish");
        assertEquals(0, p.exitValue(), Files.readString(log));
        finished = true;
      }
    }
    System.out.println("KillResumeTest: " + kills + " kill(s), " + launches + " launches");
    moments.forEach(m -> System.out.println("  " + m));

    for (String f : List.of("train.csv", "eval.csv", "probes.csv")) {
      assertEquals(timeless(ref.resolve(f)), timeless(run.resolve(f)), f + " after " + moments);
    }
    for (String f : List.of("checkpoints/latest.ckpt", "checkpoints/best.ckpt", "sample.txt", "tokenizer.json")) {
      assertArrayEquals(Files.readAllBytes(ref.resolve(f)), Files.readAllBytes(run.resolve(f)), f);
    }
    List<Path> refVectors = files(ref.resolve("probes"));
    assertEquals(refVectors, files(run.resolve("probes")), "the same .npy files");
    for (Path v : refVectors) {
      assertArrayEquals(Files.readAllBytes(ref.resolve("probes").resolve(v)),
          Files.readAllBytes(run.resolve("probes").resolve(v)), v.toString());
    }
    assertEquals(List.of(), files(run).stream().filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(),
        "temporary files left");
    if (firstProvenance != null) {
      assertArrayEquals(firstProvenance, Files.readAllBytes(run.resolve("provenance.json")),
          "resumes never rewrite the first provenance.json");
      for (int n = 1; n <= kills; n++) {
        String resumed = Files.readString(run.resolve("provenance-resume-" + n + ".json"));
        assertTrue(resumed.contains("\"resumed_from_step\"") && resumed.contains("\"status\": \"finished\"")
            == (n == kills), n + ": " + resumed);
      }
    }
    return new Report(kills, moments);
  }

  /** Polls every 2 ms; when {@code when} holds, waits {@code delayMs} and kills (false if the child ended first). */
  private static boolean killWhen(Process p, IoCondition when, int delayMs) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (p.isAlive() && System.nanoTime() < deadline) {
      if (when.holds()) {
        Thread.sleep(delayMs);
        if (!p.isAlive()) {
          return false;
        }
        p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no finally block runs
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return true;
      }
      Thread.sleep(2);
    }
    return false;
  }

  @FunctionalInterface
  private interface IoCondition {
    boolean holds() throws IOException;
  }

  private Process child(Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-XX:TieredStopAtLevel=1", "--add-modules", "jdk.incubator.vector", "-Duser.language=de", "-Duser.country=DE", "-cp",
        System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .directory(tmp.toFile());
    pb.environment().put("OMP_NUM_THREADS", "2");
    pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
    return pb.start();
  }

  private Path tinyConfig() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      sb.append("the quick brown fox jumps over the lazy dog number ").append(i % 17).append(".\n");
    }
    Path corpus = tmp.resolve("corpus.txt");
    Files.writeString(corpus, sb.toString());
    Path f = tmp.resolve("tiny.conf");
    Files.writeString(f, String.join("\n",
        "anisoscope {",
        "  run { dir = \"" + tmp.resolve("runs") + "\" }",
        "  model { layers = 2, heads = 2, d-model = 16, context = 16, dropout = 0.1 }",
        "  data.text.path = \"" + corpus + "\"",
        "  train { epochs = 2, steps-per-epoch = " + STEPS_PER_EPOCH + ", batch-size = 4, eval-every = 4,"
            + " eval-batches = 2, warmup-steps = 2, checkpoint-every = 2, sample-tokens = 20, log-every = 1 }",
        "  probe { every-steps = 3, sequences = 8, batch-size = 4, save-vectors = true }",
        "}"));
    return f;
  }

  private static long rows(Path csv) throws IOException {
    if (!Files.exists(csv)) {
      return 0;
    }
    try (Stream<String> lines = Files.lines(csv)) {
      return Math.max(0, lines.count() - 1);
    } catch (java.io.UncheckedIOException e) {
      return 0; // replaced under our feet by a resume
    }
  }

  private static String lastLine(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (!lines.get(i).isBlank()) {
        return lines.get(i).strip();
      }
    }
    return "";
  }

  /** Where the child was, judged from its last output line (log-every = 1, eval-every = 4, every-steps = 3). */
  private static String phase(String last) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(step|eval step|probe step) (\\d+)\\b").matcher(last);
    if (!m.find()) {
      return "during start-up or the step-0 probe/evaluation";
    }
    long n = Long.parseLong(m.group(2));
    boolean evalDue = n % 4 == 0 || n % STEPS_PER_EPOCH == 0;
    boolean probeDue = n % 3 == 0 || n % STEPS_PER_EPOCH == 0;
    return switch (m.group(1)) {
      case "step" -> evalDue ? "during the evaluation of step " + n : probeDue ? "during the probe of step " + n
          : "during step " + (n + 1) + " or a checkpoint";
      case "eval step" -> probeDue ? "during the probe of step " + n : "during step " + (n + 1) + " or a checkpoint";
      default -> "during the checkpoint after step " + n + " or step " + (n + 1);
    };
  }

  /** Relative paths of the regular files under {@code dir}, sorted. */
  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).map(dir::relativize).sorted().toList();
    }
  }

  /** A CSV's lines without the columns that measure time. */
  static List<String> timeless(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    List<String> header = List.of(lines.get(0).split(",", -1));
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      String[] cells = l.split(",", -1);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < cells.length; i++) {
        if (!header.get(i).equals("tokens_per_s") && !header.get(i).equals("elapsed_s")) {
          sb.append(cells[i]).append(',');
        }
      }
      out.add(sb.toString());
    }
    return out;
  }
}
