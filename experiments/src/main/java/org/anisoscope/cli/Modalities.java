package org.anisoscope.cli;

import org.anisoscope.audio.AudioData;
import org.anisoscope.config.Settings;
import org.anisoscope.image.ImageData;
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
    switch (s.modality()) {
      case AudioData.MODALITY -> AudioData.validate(s);
      case ImageData.MODALITY -> ImageData.validate(s);
      default -> TextData.validate(s);
    }
  }

  static ModalityData load(Settings s) {
    return switch (s.modality()) {
      case AudioData.MODALITY -> AudioData.load(s);
      case ImageData.MODALITY -> ImageData.load(s);
      default -> TextData.load(s);
    };
  }

  /** The data of a resumed run, with the artefacts it saved in {@code runDir} (a vocabulary is never refitted). */
  static ModalityData loadForResume(Settings s, java.nio.file.Path runDir) throws java.io.IOException {
    return switch (s.modality()) {
      // audio: the split and the k-means are pure functions of the data and run.seed, recomputed identically
      case AudioData.MODALITY -> AudioData.load(s);
      case ImageData.MODALITY -> ImageData.load(s);   // images have no fitted artefacts: read in place
      default -> TextData.loadForResume(s, runDir);
    };
  }
}
