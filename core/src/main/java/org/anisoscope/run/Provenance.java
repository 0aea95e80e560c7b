package org.anisoscope.run;

import com.google.common.hash.Hashing;
import com.google.common.io.MoreFiles;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    root.put("git_commit", git("rev-parse", "HEAD"));
    String status = git("status", "--porcelain", "--untracked-files=no");
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
    d.put("sha256", MoreFiles.asByteSource(file).hash(Hashing.sha256()).toString());
    data.add(d);
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
    AtomicFiles.writeString(file, Json.write(root));
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

  private static String git(String... args) {
    try {
      List<String> cmd = new ArrayList<>(List.of("git"));
      cmd.addAll(List.of(args));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return null;
      }
      return new String(out, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
