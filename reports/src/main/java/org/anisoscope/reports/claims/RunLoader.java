package org.anisoscope.reports.claims;

import org.anisoscope.reports.CsvTable;
import org.anisoscope.reports.ReportException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/** Turns the planned runs and their directories into the engine's input: matrix id → seeds with data or a problem. */
public final class RunLoader {
  /** Validation splits, in order of preference (as the run reports read them). */
  private static final List<String> VAL_SPLITS = List.of("val", "valid", "validation", "dev", "test");

  private RunLoader() {}

  public static Map<String, List<SeedRun>> load(List<PlannedRun> plan) {
    Map<String, List<SeedRun>> out = new LinkedHashMap<>();
    for (PlannedRun p : plan) {
      out.computeIfAbsent(p.id(), k -> new ArrayList<>()).add(load(p));
    }
    return out;
  }

  static SeedRun load(PlannedRun p) {
    if (p.unavailable().isPresent()) {
      return SeedRun.missing(p.id(), p.seed(), p.dir(), p.unavailable().get());
    }
    RunState s = RunState.of(p);
    switch (s.kind()) {
      case FINISHED:
        break;
      case NEW:
        return SeedRun.missing(p.id(), p.seed(), p.dir(), "not run");
      case FAILED:
        return SeedRun.missing(p.id(), p.seed(), p.dir(), s.detail());
      case CONFLICT:
        return SeedRun.missing(p.id(), p.seed(), p.dir(), "made by another command");
      default:
        return SeedRun.missing(p.id(), p.seed(), p.dir(), "not finished");
    }
    if (!p.viaRunSh()) {
      return SeedRun.finishedWithoutProbes(p.id(), p.seed(), p.dir());
    }
    Path probes = p.dir().resolve("probes.csv");
    if (!Files.isRegularFile(probes)) {
      return SeedRun.missing(p.id(), p.seed(), p.dir(), "finished but no probes.csv");
    }
    try {
      return SeedRun.finished(p.id(), p.seed(), p.dir(), RunProbes.read(probes),
          finalValLoss(p.dir().resolve("eval.csv")));
    } catch (ReportException e) {
      return SeedRun.missing(p.id(), p.seed(), p.dir(), "unreadable: " + e.getMessage());
    }
  }

  /** The loss at the last step of the first validation split present in {@code eval.csv}, if any. */
  static OptionalDouble finalValLoss(Path evalCsv) {
    if (!Files.isRegularFile(evalCsv)) {
      return OptionalDouble.empty();
    }
    CsvTable t = CsvTable.read(evalCsv);
    if (t.header().isEmpty()) {
      return OptionalDouble.empty();
    }
    t.requireColumns("step", "split", "loss");
    Map<String, TreeMap<Long, Double>> bySplit = new LinkedHashMap<>();
    for (int r = 0; r < t.rowCount(); r++) {
      bySplit.computeIfAbsent(t.string(r, "split"), k -> new TreeMap<>()).put(t.integer(r, "step"),
          t.number(r, "loss"));
    }
    for (String split : VAL_SPLITS) {
      TreeMap<Long, Double> s = bySplit.get(split);
      if (s != null && !s.isEmpty()) {
        return OptionalDouble.of(s.lastEntry().getValue());
      }
    }
    return OptionalDouble.empty();
  }
}
