package org.anisoscope.reports;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

/**
 * One run directory as the reports read it (ARCHITECTURE.md §5 Run directory). Every file may be missing or
 * hold only a header (a run still at step 0); what is missing is collected in {@link #notes()} so the report can
 * say so. A file that is present but malformed fails with a {@link ReportException}.
 */
final class RunData {
  static final String CONFIG = "config.conf";
  static final String PROVENANCE = "provenance.json";
  static final String TRAIN = "train.csv";
  static final String EVAL = "eval.csv";
  static final String PROBES = "probes.csv";

  /** Validation splits, in order of preference, for "final val loss". */
  private static final List<String> VAL_SPLITS = List.of("val", "valid", "validation", "dev", "test");

  final Path dir;
  final String name;
  final Optional<String> config;
  final Optional<String> provenanceText;
  /** provenance.json flattened to dotted keys ({@code git.commit}), in file order; empty when absent or invalid. */
  final Map<String, String> provenance;
  final Optional<CsvTable> train;
  final Optional<CsvTable> eval;
  final Probes probes;
  private final ConfigFacts facts;
  private final List<String> notes = new ArrayList<>();

  private RunData(Path dir) {
    this.dir = dir;
    Path fileName = dir.toAbsolutePath().normalize().getFileName();
    this.name = fileName == null ? dir.toString() : fileName.toString();
    this.config = readText(CONFIG);
    this.provenanceText = readText(PROVENANCE);
    this.provenance = provenanceText.map(this::flattenJson).orElse(Map.of());
    this.train = readCsv(TRAIN, "step", "loss");
    this.eval = readCsv(EVAL, "step", "split", "loss");
    this.probes = readCsv(PROBES, Probes.COLUMNS).map(Probes::of).orElse(Probes.empty());
    this.facts = config.map(ConfigFacts::parse).orElse(ConfigFacts.empty());
  }

  /** Leaf values of config.conf ({@code model.d-model}, {@code objective.type}); empty when it is missing. */
  ConfigFacts facts() {
    return facts;
  }

  /** Reads {@code dir}; fails when it is not a directory or holds none of the run files. */
  static RunData load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ReportException(dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory")
          + " (expected a run directory runs/<name>/ with " + TRAIN + ", " + PROBES + ", ...)");
    }
    boolean any = false;
    for (String f : List.of(CONFIG, PROVENANCE, TRAIN, EVAL, PROBES)) {
      any |= Files.exists(dir.resolve(f));
    }
    if (!any) {
      throw new ReportException(dir + ": none of " + String.join(", ", CONFIG, PROVENANCE, TRAIN, EVAL, PROBES)
          + " found (expected a run directory runs/<name>/, not its parent)");
    }
    return new RunData(dir);
  }

  /** What is missing or empty, one sentence each, for the report's notes. */
  List<String> notes() {
    return List.copyOf(notes);
  }

  /** step → loss of {@code train.csv}, file order (non-finite values kept; the plots drop them). */
  TreeMap<Long, Double> trainLoss() {
    TreeMap<Long, Double> m = new TreeMap<>();
    train.ifPresent(t -> {
      for (int r = 0; r < t.rowCount(); r++) {
        m.put(t.integer(r, "step"), t.number(r, "loss"));
      }
    });
    return m;
  }

  /** split → step → loss of {@code eval.csv}, splits in the order they first appear. */
  Map<String, TreeMap<Long, Double>> evalLoss() {
    Map<String, TreeMap<Long, Double>> m = new LinkedHashMap<>();
    eval.ifPresent(t -> {
      for (int r = 0; r < t.rowCount(); r++) {
        m.computeIfAbsent(t.string(r, "split"), s -> new TreeMap<>()).put(t.integer(r, "step"), t.number(r, "loss"));
      }
    });
    return m;
  }

  /** The loss at the last step of the validation split ({@code val}, else {@code valid}, ...), if any. */
  OptionalDouble finalValLoss() {
    Map<String, TreeMap<Long, Double>> byEval = evalLoss();
    for (String split : VAL_SPLITS) {
      TreeMap<Long, Double> s = byEval.get(split);
      if (s != null && !s.isEmpty()) {
        return OptionalDouble.of(s.lastEntry().getValue());
      }
    }
    return OptionalDouble.empty();
  }

  /** The name of the split {@link #finalValLoss} uses, or empty. */
  Optional<String> valSplit() {
    Set<String> splits = evalLoss().keySet();
    return VAL_SPLITS.stream().filter(splits::contains).findFirst();
  }

  private Optional<String> readText(String file) {
    Path p = dir.resolve(file);
    if (!Files.isRegularFile(p)) {
      notes.add(file + " is missing.");
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
    } catch (java.nio.charset.MalformedInputException e) {
      throw new ReportException(p + ": not UTF-8 text");
    } catch (IOException e) {
      throw new UncheckedIOException(p + ": " + e.getMessage(), e);
    }
  }

  private Optional<CsvTable> readCsv(String file, String... required) {
    Path p = dir.resolve(file);
    Optional<CsvTable> t = CsvTable.readIfPresent(p);
    if (t.isEmpty()) {
      notes.add(file + " is missing: no data from it.");
    } else if (t.get().header().isEmpty()) {
      notes.add(file + " is empty (no header): no data from it.");
      return Optional.empty();
    } else {
      t.get().requireColumns(required);
      if (t.get().rowCount() == 0) {
        notes.add(file + " has a header but no data rows yet: no data from it.");
      }
    }
    return t;
  }

  private Map<String, String> flattenJson(String text) {
    Map<String, String> flat = new LinkedHashMap<>();
    try {
      JsonElement root = JsonParser.parseString(text);
      if (!root.isJsonObject()) {
        notes.add(PROVENANCE + " is not a JSON object; shown as text only.");
        return flat;
      }
      flatten("", root, flat);
    } catch (JsonParseException e) {
      notes.add(PROVENANCE + " is not valid JSON (" + e.getMessage() + "); shown as text only.");
    }
    return flat;
  }

  private static void flatten(String prefix, JsonElement e, Map<String, String> out) {
    if (e.isJsonObject()) {
      JsonObject o = e.getAsJsonObject();
      for (String key : o.keySet()) {
        flatten(prefix.isEmpty() ? key : prefix + "." + key, o.get(key), out);
      }
    } else if (e.isJsonArray()) {
      var a = e.getAsJsonArray();
      boolean primitives = true;
      for (JsonElement x : a) {
        primitives &= x.isJsonPrimitive() || x.isJsonNull();
      }
      if (primitives) {
        List<String> parts = new ArrayList<>();
        a.forEach(x -> parts.add(x.isJsonNull() ? "null" : x.getAsString()));
        out.put(prefix, String.join(", ", parts));
      } else {
        for (int i = 0; i < a.size(); i++) {
          flatten(prefix + "[" + i + "]", a.get(i), out);
        }
      }
    } else if (e.isJsonNull()) {
      out.put(prefix, "null");
    } else {
      out.put(prefix, e.getAsString());
    }
  }

  /**
   * The key facts of provenance.json: label → value, for the labels whose key is found. The keys are matched
   * loosely (case, dots, dashes and underscores ignored: {@code git_commit}, {@code gitCommit} and
   * {@code git.commit} all match) because the report must also draw runs written by older versions.
   */
  Map<String, String> provenanceFacts() {
    Map<String, List<String>> wanted = new LinkedHashMap<>();
    wanted.put("version", List.of("projectversion", "anisoscopeversion", "version"));
    wanted.put("git commit", List.of("gitcommit", "commit", "gitsha", "githash", "gitrevision", "gitcommitid"));
    wanted.put("git dirty", List.of("gitdirty", "dirty"));
    wanted.put("backend", List.of("nd4jbackend", "backend", "nd4jbackendname"));
    wanted.put("BLAS", List.of("nd4jblas", "blas", "blasvendor", "nd4jblasvendor"));
    wanted.put("threads", List.of("threads", "nd4jthreads", "ompthreads"));
    wanted.put("seed", List.of("seed", "runseed", "anisoscoperunseed"));
    wanted.put("start", List.of("start", "starttime", "started", "startedat", "timestart", "startutc"));
    wanted.put("end", List.of("end", "endtime", "ended", "endedat", "finished", "finishedat", "timeend", "endutc"));
    wanted.put("java", List.of("javaversion", "java", "jvmversion"));
    wanted.put("OS / arch", List.of("os", "osname"));
    Map<String, String> normalized = new LinkedHashMap<>();
    provenance.forEach((k, v) -> normalized.putIfAbsent(k.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", ""), v));
    Map<String, String> facts = new LinkedHashMap<>();
    wanted.forEach((label, keys) -> keys.stream()
        .filter(normalized::containsKey)
        .findFirst()
        .ifPresent(k -> facts.put(label, normalized.get(k))));
    if (facts.containsKey("OS / arch")) {
      String arch = normalized.getOrDefault("osarch", normalized.get("arch"));
      if (arch != null) {
        facts.put("OS / arch", facts.get("OS / arch") + " / " + arch);
      }
    }
    return facts;
  }
}
