package org.anisoscope.objective;

import org.anisoscope.util.Registry;

/** The objective registry: {@code objective.type} names one of these. */
public final class Objectives {
  private static final Registry<ObjectiveFactory> REGISTRY = new Registry<ObjectiveFactory>("objective")
      .register(CausalLm.NAME, () -> CausalLm::new)
      .register(MaskedLm.NAME, () -> MaskedLm::new)
      .register(Contrastive.NAME, () -> Contrastive::new)
      // Their head size comes from the data (classes, target width): the modality builds them with
      // Classification.factory / MaskedRegression.factory; registered so objective.type accepts the names.
      .register(Classification.NAME, () -> Objectives::needsData)
      .register(MaskedRegression.NAME, () -> Objectives::needsData)
      // audio (built by AudioData): HuBERT-style cluster prediction (k from the data), wav2vec 2.0-style contrastive
      .register(MaskedCluster.NAME, () -> Objectives::needsData)
      .register(Wav2VecContrastive.NAME, () -> Objectives::needsData);

  private Objectives() {
  }

  private static Objective needsData(org.anisoscope.model.ParamStore store, org.anisoscope.model.ModelConfig cfg,
      org.anisoscope.model.Frontend frontend) {
    throw new IllegalStateException("this objective's head size comes from the data: its modality builds it "
        + "(Classification.factory, MaskedRegression.factory, MaskedCluster.factory, Wav2VecContrastive.factory)");
  }

  public static Registry<ObjectiveFactory> registry() {
    return REGISTRY;
  }
}
