package org.anisoscope.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import org.anisoscope.files.AtomicFiles;
import org.anisoscope.files.BadInputException;
import org.anisoscope.files.OutputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The run directory contract (README; ARCHITECTURE.md §5 and "Run directory: writes and resume"):
 * {@code config.conf}, {@code provenance.json}, {@code train.csv}, {@code eval.csv}, {@code probes.csv},
 * {@code probes/step-<SSSSSSS>/<hook>.npy}, {@code checkpoints/}, {@code report/index.html}. An existing directory is never overwritten unless asked.
 */
public final class RunDirectory {
  public static final List<String> TRAIN_COLUMNS =
      List.of("step", "epoch", "loss", "lr", "grad_norm", "tokens_per_s", "elapsed_s");
  public static final List<String> EVAL_COLUMNS = List.of("step", "epoch", "split", "loss");
  public static final List<String> PROBE_COLUMNS = List.of("step", "epoch", "hook", "layer", "head", "metric",
      "value");

  private final Path dir;

  private RunDirectory(Path dir) {
    this.dir = dir;
  }

  /**
   * Creates {@code parent/name}. Fails if it exists, unless {@code overwrite}, which deletes the old directory
   * first (only when it looks like a run directory: it holds config.conf).
   */
  public static RunDirectory create(Path parent, String name, boolean overwrite) throws IOException {
    Path dir = parent.resolve(name);
    if (Files.exists(dir)) {
      if (!overwrite) {
        throw new BadInputException(dir + ": run directory already exists; choose another run.name, "
            + "resume it with --resume " + dir + ", or set run.overwrite=true");
      }
      if (!Files.exists(dir.resolve("config.conf"))) {
        throw new BadInputException(dir + ": exists and is not a run directory (no config.conf); not overwriting it");
      }
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      } catch (IOException e) {
        throw OutputException.of(dir, e);
      }
    }
    try {
      Files.createDirectories(dir.resolve("checkpoints"));
    } catch (IOException e) {
      throw OutputException.of(dir, e);
    }
    return new RunDirectory(dir);
  }

  /** An existing run directory (for resuming or reporting). */
  public static RunDirectory open(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new BadInputException(dir + ": no such run directory");
    }
    if (!Files.isRegularFile(dir.resolve("config.conf"))) {
      throw new BadInputException(dir + ": not a run directory (no config.conf; if a run was killed while creating it, "
          + "nothing was trained: delete the directory and start the run again)");
    }
    return new RunDirectory(dir);
  }

  /**
   * Deletes the temporary files a killed process may have left (every whole-file write goes through a sibling
   * {@code *.tmp} and a rename, see {@link AtomicFiles}); returns how many. Called before a resume writes anything.
   */
  public int removeStaleTemporaryFiles() throws IOException {
    List<Path> stale;
    try (Stream<Path> walk = Files.walk(dir)) {
      stale = walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".tmp")).toList();
    }
    for (Path p : stale) {
      Files.deleteIfExists(p);
    }
    return stale.size();
  }

  public Path path() {
    return dir;
  }

  /** The fully resolved {@code anisoscope} configuration, re-loadable to repeat the run. */
  public void writeConfig(Config config) throws IOException {
    String body = config.getConfig("anisoscope").root()
        .render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(false).setJson(false));
    AtomicFiles.writeString(dir.resolve("config.conf"),
        "# Fully resolved configuration of this run; repeat it with: experiments/run.sh " + dir.resolve("config.conf")
            + "\nanisoscope {\n" + body + "}\n");
  }

  public Path file(String name) {
    return dir.resolve(name);
  }

  public Path checkpoints() {
    return dir.resolve("checkpoints");
  }

  /** {@code probes/step-<SSSSSSS>/}, created on demand. */
  public Path probeVectors(long step) throws IOException {
    Path p = dir.resolve("probes").resolve(String.format(Locale.ROOT, "step-%07d", step));
    try {
      Files.createDirectories(p);
    } catch (IOException e) {
      throw OutputException.of(p, e);
    }
    return p;
  }
}
