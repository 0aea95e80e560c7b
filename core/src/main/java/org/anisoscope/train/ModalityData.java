package org.anisoscope.train;

import org.anisoscope.config.Settings;
import org.anisoscope.data.BatchSource;
import org.anisoscope.probe.TokenGroups;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a modality gives a run ({@code data.modality}): its batches, shaped for the configured objective, and the
 * network it trains (its frontend, the objective's head sized from the data). The run wiring (the CLI) treats
 * every modality through this; the training loop only sees the {@link BatchSource} and the {@link Network}.
 */
public interface ModalityData {
  /** The batches the configured objective trains on. */
  BatchSource batches(Settings s);

  /** The frontend, transformer and objective of this run, initialised from {@code run.seed}. */
  Network network(Settings s);

  /** Facts for provenance.json (counts, sources). */
  Map<String, Object> provenance();

  /** Local data files to record in provenance.json with their SHA-256, by role. */
  Map<String, Path> dataFiles();

  /** An input's SHA-256 and the name (a path, or a source and its selection) that identifies it in a message. */
  record DataHash(String name, String sha256) {}

  /**
   * The SHA-256 of each input the run trains on, by role ({@code corpus}, ...), as {@code provenance.json} records
   * them; a resume compares them with the recorded ones. Default: the {@link #dataFiles()}, hashed.
   */
  default Map<String, DataHash> dataHashes() throws IOException {
    Map<String, DataHash> out = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, Path> f : dataFiles().entrySet()) {
      out.put(f.getKey(), new DataHash(f.getValue().toString(), org.anisoscope.run.Provenance.sha256(f.getValue())));
    }
    return out;
  }

  /** Writes the modality's own files into a run directory ({@code tokenizer.json}); with {@code ifMissing} only
   * those not there yet (a resumed run killed before they were written). */
  void saveArtifacts(Path runDir, boolean ifMissing) throws IOException;

  /** Token-frequency groups for {@code cos_mean_freq_q*}; empty where inputs are not tokens. */
  Optional<TokenGroups> tokenGroups(int groups);

  /** One line for the run log: what the data is. */
  String describe();
}
