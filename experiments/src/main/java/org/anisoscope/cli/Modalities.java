package org.anisoscope.cli;

import org.anisoscope.config.Settings;
import org.anisoscope.text.TextData;
import org.anisoscope.train.ModalityData;

/**
 * {@code data.modality} → the modality's data: the one place the CLI names modalities. Adding one = a frontend,
 * a data source implementing {@link ModalityData}, a case here and in {@code Settings}' list, and configs.
 */
final class Modalities {
  private Modalities() {
  }

  /** Checks the modality's keys (and that its data exists) before anything is written. */
  static void validate(Settings s) {
    TextData.validate(s);
  }

  static ModalityData load(Settings s) {
    return TextData.load(s);
  }

  /** The data of a resumed run, with the artefacts it saved in {@code runDir} (a vocabulary is never refitted). */
  static ModalityData loadForResume(Settings s, java.nio.file.Path runDir) throws java.io.IOException {
    return TextData.loadForResume(s, runDir);
  }
}
