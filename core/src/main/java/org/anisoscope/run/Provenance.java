package org.anisoscope.run;

import com.google.common.hash.Hashing;
import com.google.common.io.MoreFiles;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.anisoscope.files.AtomicFiles;
import org.anisoscope.files.BadInputException;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** provenance.json: what produced a run (Tribuo's habit), enough to say whether two runs are comparable. */
public final class Provenance {
  private final Map<String, Object> root = new LinkedHashMap<>();
  private final List<Map<String, Object>> data = new ArrayList<>();

  public Provenance(long seed, List<String> commandLine) {
    root.put("project", "anisoscope");
    root.put("version", version());
    Path project = projectDirectory();
    root.put("git_commit", project == null ? null : run(List.of("git", "rev-parse", "HEAD"), project, GIT_TIMEOUT));
    String status = project == null ? null
        : run(List.of("git", "status", "--porcelain", "--untracked-files=no"), project, GIT_TIMEOUT);
    root.put("git_dirty", status == null ? null : !status.isBlank());
    root.put("java_version", System.getProperty("java.version"));
    root.put("java_vendor", System.getProperty("java.vendor"));
    root.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    root.put("arch", System.getProperty("os.arch"));
    root.put("cores", Runtime.getRuntime().availableProcessors());
    root.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
    Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
    root.put("nd4j_backend", Nd4j.getBackend().getClass().getSimpleName());
    root.put("nd4j_blas_vendor", String.valueOf(env.getOrDefault("blas.vendor", "unknown")));
    root.put("nd4j_omp_threads", String.valueOf(env.getOrDefault("omp.threads", "unknown")));
    root.put("omp_num_threads_env", System.getenv("OMP_NUM_THREADS"));
    root.put("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments());
    root.put("command_line", commandLine);
    root.put("seed", seed);
    root.put("start_time", Instant.now().toString());
    root.put("end_time", null);
    root.put("data", data);
  }

  /** Records a data file by path, size and SHA-256. */
  public void addDataFile(String role, Path file) throws IOException {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("role", role);
    d.put("path", file.toAbsolutePath().normalize().toString());
    d.put("bytes", Files.size(file));
    d.put("sha256", sha256(file));
    data.add(d);
  }

  /** The SHA-256 of a file's bytes, in lower-case hex. */
  public static String sha256(Path file) throws IOException {
    return MoreFiles.asByteSource(file).hash(Hashing.sha256()).toString();
  }

  /** Records data that is not a plain file (e.g. a classpath resource), with its own facts. */
  public void addData(Map<String, Object> facts) {
    data.add(new LinkedHashMap<>(facts));
  }

  public void put(String key, Object value) {
    root.put(key, value);
  }

  public void finish(String status) {
    root.put("end_time", Instant.now().toString());
    root.put("status", status);
  }

  public void write(Path file) throws IOException {
    AtomicFiles.writeString(file, new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping()
        .create().toJson(finite(root)) + "\n");
  }

  /**
   * The SHA-256 recorded for each data role ({@code corpus}, {@code tokenizer}) in a {@code provenance.json}, first
   * entry per role; roles recorded without one are absent (files written before hashes were recorded). A file that
   * is not such JSON is a {@link BadInputException} naming it.
   */
  public static Map<String, String> recordedSha256(Path file) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      JsonObject root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
      JsonElement data = root.get("data");
      if (data != null && data.isJsonArray()) {
        for (JsonElement e : data.getAsJsonArray()) {
          JsonObject d = e.getAsJsonObject();
          if (d.has("role") && d.has("sha256") && d.get("sha256").isJsonPrimitive()) {
            out.putIfAbsent(d.get("role").getAsString(), d.get("sha256").getAsString());
          }
        }
      }
    } catch (com.google.gson.JsonParseException | IllegalStateException | UnsupportedOperationException
        | java.nio.charset.CharacterCodingException e) {
      // Gson signals a wrong JSON shape with IllegalStateException (getAsJsonObject on an array, ...)
      throw new BadInputException(file + ": not a provenance.json (" + e.getMessage() + ")", e);
    }
    return out;
  }

  /** JSON has no NaN or infinity: such a number (e.g. the loss of a diverged run) is written as null. */
  private static Object finite(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(k, finite(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      return l.stream().map(Provenance::finite).collect(java.util.stream.Collectors.toList());
    }
    if ((v instanceof Double || v instanceof Float) && !Double.isFinite(((Number) v).doubleValue())) {
      return null;
    }
    return v;
  }

  static String version() {
    try (InputStream in = Provenance.class.getResourceAsStream("/anisoscope-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static final Duration GIT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * The git work tree the running code was built from: the first directory holding {@code .git} above the classes
   * or jar of this class (not the current directory, which may be any other repository), or null.
   */
  static Path projectDirectory() {
    try {
      Path p = Path.of(Provenance.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toAbsolutePath();
      for (; p != null; p = p.getParent()) {
        if (Files.exists(p.resolve(".git"))) {
          return p;
        }
      }
    } catch (java.net.URISyntaxException | RuntimeException e) {
      // no code source (e.g. a custom class loader): no git facts
    }
    return null;
  }

  /**
   * Runs {@code command} in {@code dir} and returns its trimmed output, or null when it fails, cannot start, or
   * runs past {@code timeout} (then it is killed: a hung git, e.g. on a network file system, must not hang the run).
   */
  static String run(List<String> command, Path dir, Duration timeout) {
    Path output = null;
    Process p = null;
    try {
      output = Files.createTempFile("anisoscope-git", ".out");
      p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(output.toFile()).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return null;
      }
      return p.exitValue() == 0 ? Files.readString(output, StandardCharsets.UTF_8).trim() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      if (p != null && p.isAlive()) {
        p.destroyForcibly();
      }
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException ignored) {
          // a temporary file in the system's temp directory
        }
      }
    }
  }
}
