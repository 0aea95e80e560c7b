package org.anisoscope.objective;

import org.anisoscope.util.Registry;

/** The objective registry: {@code objective.type} names one of these. */
public final class Objectives {
  private static final Registry<ObjectiveFactory> REGISTRY = new Registry<ObjectiveFactory>("objective")
      .register(CausalLm.NAME, () -> CausalLm::new)
      .register(MaskedLm.NAME, () -> MaskedLm::new)
      .register(Contrastive.NAME, () -> Contrastive::new);

  private Objectives() {
  }

  public static Registry<ObjectiveFactory> registry() {
    return REGISTRY;
  }
}
