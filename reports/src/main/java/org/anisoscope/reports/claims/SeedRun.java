package org.anisoscope.reports.claims;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One seed of one matrix entry as the engine sees it: its run directory, and either its data (a finished run) or
 * why there is none ({@code problem}: not available, not run yet, failed, unreadable).
 *
 * @param seed the run seed, or empty for an entry that seeds itself (the untrained-block sweep)
 */
public record SeedRun(String runId, Optional<Long> seed, Path dir, Optional<RunProbes> probes,
    OptionalDouble finalValLoss, Optional<String> problem) {

  public static SeedRun finished(String runId, Optional<Long> seed, Path dir, RunProbes probes,
      OptionalDouble finalValLoss) {
    return new SeedRun(runId, seed, dir, Optional.of(probes), finalValLoss, Optional.empty());
  }

  /** A seed with no usable data (the engine counts it inconclusive, naming {@code problem}). */
  public static SeedRun missing(String runId, Optional<Long> seed, Path dir, String problem) {
    return new SeedRun(runId, seed, dir, Optional.empty(), OptionalDouble.empty(), Optional.of(problem));
  }

  /** A finished run whose data lives in its own files (the untrained-block sweep): no probes.csv needed. */
  public static SeedRun finishedWithoutProbes(String runId, Optional<Long> seed, Path dir) {
    return new SeedRun(runId, seed, dir, Optional.empty(), OptionalDouble.empty(), Optional.empty());
  }

  public boolean usable() {
    return problem.isEmpty();
  }

  /** {@code id s1} for the values column. */
  public String label() {
    return runId + seed.map(s -> " s" + s).orElse("");
  }
}
