package org.anisoscope.reports.claims;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One run of the matrix: entry id, seed, its run directory and the command (relative to the repository root) that
 * makes it; {@code unavailable} says why it cannot be made here (its config or script is missing).
 *
 * @param viaRunSh true for config entries (run.sh: resumable with --resume)
 */
public record PlannedRun(String id, Optional<Long> seed, String name, Path dir, List<String> command,
    boolean viaRunSh, Optional<String> unavailable) {

  /** The command as one shell line (arguments single-quoted where needed). */
  public String shellLine() {
    return String.join(" ", command.stream().map(PlannedRun::quote).toList());
  }

  static String quote(String s) {
    return s.matches("[A-Za-z0-9_./=:,+@%-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
