package org.anisoscope.objective;

import org.anisoscope.model.Frontend;
import org.anisoscope.model.ModelConfig;
import org.anisoscope.model.ParamStore;

/** Makes an objective, declaring its head parameters in the model's store (before allocation). */
@FunctionalInterface
public interface ObjectiveFactory {
  Objective create(ParamStore store, ModelConfig config, Frontend frontend);
}
