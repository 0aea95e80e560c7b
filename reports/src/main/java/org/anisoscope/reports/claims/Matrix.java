package org.anisoscope.reports.claims;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import org.anisoscope.reports.ReportException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The run matrix ({@code experiments/paper/matrix.conf}, HOCON under {@code paper.matrix}): entries of a config
 * (run through {@code experiments/run.sh}) or a script, their overrides per mode and their seeds. {@link #plan}
 * turns it into one {@link PlannedRun} per entry and seed, with the exact command that makes it.
 */
public record Matrix(Path file, Mode full, Mode quick, List<Entry> entries) {
  public static final String RUN_SH = "experiments/run.sh";
  public static final String DIR_KEY = "anisoscope.run.dir=";
  public static final String NAME_KEY = "anisoscope.run.name=";
  public static final String SEED_KEY = "anisoscope.run.seed=";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** A mode's default seeds and overrides (for config entries). */
  public record Mode(List<Long> seeds, List<String> overrides) {}

  public record Entry(String id, Optional<String> config, Optional<String> script, List<String> overrides,
      List<String> full, List<String> quick, Optional<List<Long>> seeds, Optional<String> quickFlag) {
    /** The config or script path, relative to the repository root. */
    public String file() {
      return config.orElseGet(script::get);
    }
  }

  public static Matrix load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ReportException(file + ": no such file (expected the run matrix, e.g. experiments/paper/matrix.conf)");
    }
    try {
      Config c = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
          .resolve().getConfig("paper.matrix");
      Mode full = mode(file, c.getConfig("full"), "full");
      Mode quick = mode(file, c.getConfig("quick"), "quick");
      List<Entry> entries = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      for (Config e : c.getConfigList("runs")) {
        String id = e.getString("id");
        if (!ID.matcher(id).matches() || !ids.add(id)) {
          throw new ReportException(file + ": run id '" + id + "' " + (ids.contains(id) && ID.matcher(id).matches()
              ? "appears twice" : "is not a plain name") + " (expected unique ids of letters, digits, . _ -)");
        }
        Optional<String> config = e.hasPath("config") ? Optional.of(e.getString("config")) : Optional.empty();
        Optional<String> script = e.hasPath("script") ? Optional.of(e.getString("script")) : Optional.empty();
        if (config.isPresent() == script.isPresent()) {
          throw new ReportException(file + ": run " + id + " needs exactly one of config / script");
        }
        Optional<List<Long>> seeds = e.hasPath("seeds") ? Optional.of(List.copyOf(e.getLongList("seeds")))
            : Optional.empty();
        entries.add(new Entry(id, config, script, list(e, "overrides"), list(e, "full"), list(e, "quick"), seeds,
            e.hasPath("quick-flag") ? Optional.of(e.getString("quick-flag")) : Optional.empty()));
      }
      if (entries.isEmpty()) {
        throw new ReportException(file + ": paper.matrix.runs is empty (expected at least one run)");
      }
      return new Matrix(file, full, quick, List.copyOf(entries));
    } catch (ConfigException e) {
      throw new ReportException(file + ": " + e.getMessage().replaceFirst("^[^:]*: ", "")
          + " (expected paper.matrix { full, quick, runs } as in experiments/paper/matrix.conf)");
    }
  }

  private static Mode mode(Path file, Config c, String name) {
    List<Long> seeds = List.copyOf(c.getLongList("seeds"));
    if (seeds.isEmpty() || seeds.size() != new HashSet<>(seeds).size()) {
      throw new ReportException(file + ": paper.matrix." + name + ".seeds = " + seeds
          + " (expected at least one seed, no repeats)");
    }
    return new Mode(seeds, List.copyOf(c.getStringList("overrides")));
  }

  private static List<String> list(Config c, String key) {
    return c.hasPath(key) ? List.copyOf(c.getStringList(key)) : List.of();
  }

  /** Only the entries named in {@code ids} (in matrix order); fails naming an id that is not in the matrix. */
  public Matrix only(List<String> ids) {
    for (String id : ids) {
      if (entries.stream().noneMatch(e -> e.id.equals(id))) {
        throw new ReportException(file + ": --only " + id + ": no such run id (expected one of "
            + String.join(", ", entries.stream().map(Entry::id).toList()) + ")");
      }
    }
    return new Matrix(file, full, quick, entries.stream().filter(e -> ids.contains(e.id)).toList());
  }

  /**
   * One planned run per entry and seed, under {@code outDir} (absolute in the commands). An entry whose config or
   * script is not under {@code root} is planned as not available, with the reason.
   */
  public List<PlannedRun> plan(Path root, Path outDir, boolean quickMode) {
    Mode mode = quickMode ? quick : full;
    Path out = outDir.toAbsolutePath().normalize();
    List<PlannedRun> plan = new ArrayList<>();
    for (Entry e : entries) {
      Optional<String> unavailable = Files.isRegularFile(root.resolve(e.file())) ? Optional.empty()
          : Optional.of("not available (" + (e.config.isPresent() ? "config " : "script ") + e.file() + " missing)");
      List<Optional<Long>> seeds = new ArrayList<>();
      List<Long> s = e.seeds.orElse(mode.seeds());
      if (s.isEmpty()) {
        seeds.add(Optional.empty());
      } else {
        s.forEach(x -> seeds.add(Optional.of(x)));
      }
      for (Optional<Long> seed : seeds) {
        String name = e.id + seed.map(x -> "-s" + x).orElse("");
        List<String> cmd = new ArrayList<>();
        if (e.config.isPresent()) {
          cmd.add(RUN_SH);
          cmd.add(e.config.get());
          cmd.addAll(mode.overrides());
        } else {
          cmd.add(e.script.get());
          if (quickMode) {
            e.quickFlag.ifPresent(cmd::add);
          }
        }
        cmd.addAll(e.overrides);
        cmd.addAll(quickMode ? e.quick : e.full);
        cmd.add(DIR_KEY + out);
        cmd.add(NAME_KEY + name);
        seed.ifPresent(x -> cmd.add(SEED_KEY + x));
        plan.add(new PlannedRun(e.id, seed, name, out.resolve(name), List.copyOf(cmd), e.config.isPresent(),
            unavailable));
      }
    }
    return plan;
  }
}
