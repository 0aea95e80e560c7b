package org.anisoscope.cli;

import org.anisoscope.files.BadInputException;
import org.anisoscope.run.Provenance;
import org.anisoscope.run.RunDirectory;
import org.anisoscope.train.ModalityData;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A resume trains on the data the run started on: the corpus and the run's own {@code tokenizer.json} must have
 * the SHA-256s that {@code provenance.json} recorded at the first start. Checked before anything is written.
 */
final class ResumeData {
  /** Files a run saves for itself (role → name in the run directory) whose hashes provenance.json records. */
  static final Map<String, String> RUN_ARTIFACTS = Map.of("tokenizer", "tokenizer.json");

  private ResumeData() {
  }

  /**
   * Fails with a one-line {@link BadInputException} naming the changed file and both hashes, unless
   * {@code allowChange} (then it prints a warning and the run continues on the data as it is now).
   */
  static void check(RunDirectory run, ModalityData data, boolean allowChange, PrintStream out) throws IOException {
    Path prov = run.file("provenance.json");
    if (!Files.isRegularFile(prov)) {
      return; // killed before provenance.json was written, so before the first checkpoint: nothing was trained
    }
    Map<String, String> recorded = Provenance.recordedSha256(prov);
    for (Map.Entry<String, ModalityData.DataHash> d : data.dataHashes().entrySet()) {
      compare(prov, d.getKey(), d.getValue().name(), recorded.get(d.getKey()), d.getValue().sha256(), allowChange,
          out);
    }
    for (Map.Entry<String, String> a : RUN_ARTIFACTS.entrySet()) {
      Path f = run.file(a.getValue());
      if (Files.isRegularFile(f)) {
        compare(prov, a.getKey(), f.toString(), recorded.get(a.getKey()), Provenance.sha256(f), allowChange, out);
      }
    }
  }

  private static void compare(Path prov, String role, String name, String recorded, String now, boolean allowChange,
      PrintStream out) {
    if (recorded == null) {
      out.println("note: " + prov + " records no SHA-256 for the " + role + " (written by an older version); "
          + name + " is not checked");
      return;
    }
    if (recorded.equals(now)) {
      return;
    }
    String what = role.equals("tokenizer") ? "the vocabulary" : "the " + role;
    String msg = name + ": SHA-256 " + now + ", but " + prov + " records " + recorded + ": " + what
        + " changed since the run started";
    if (!allowChange) {
      throw new BadInputException(msg + "; restore it, or resume with --allow-data-change to continue on it");
    }
    out.println("warning: " + msg + "; continuing (--allow-data-change)");
  }
}
