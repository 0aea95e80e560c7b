/**
 * The device layer: the operations a training step needs (products, layer norm, GELU, attention, cross-entropy,
 * embedding, dropout, AdamW, norms) behind one interface, {@link org.anisoscope.device.Device}, so that the same
 * step can run on the CPU kernels ({@code org.anisoscope.model.CpuDevice}) or on a GPU ({@code CudaDevice} in the
 * {@code anisoscope-cuda} module, built with {@code -Pcuda}). Not yet wired into the model: see ARCHITECTURE.md,
 * "Device layer".
 */
package org.anisoscope.device;
