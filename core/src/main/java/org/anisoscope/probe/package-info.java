/**
 * The probe: at step 0, every epoch end and every {@code probe.every-steps}, runs the model in inference mode on
 * a fixed held-out probe set, collects the hooks named by {@code probe.hooks} ({@code *} = every layer), computes
 * the metrics of {@code probe.metrics} (plus per-head q/k drift and attention entropy) and appends long-format
 * rows to {@code probes.csv}; optionally saves the vectors as {@code .npy}. It draws no random numbers from the
 * training stream and uses its own activation buffers, so it cannot change the training trajectory.
 */
package org.anisoscope.probe;
