/**
 * The device layer: the operations a training step needs (products, layer norm, GELU, attention, cross-entropy,
 * embedding, dropout, AdamW, norms) behind one interface, {@link org.anisoscope.device.Device}, so that the same
 * step can run on the CPU kernels ({@code org.anisoscope.model.CpuDevice}) or on a GPU ({@code CudaDevice} in the
 * {@code anisoscope-cuda} module, built with {@code -Pcuda}, found through {@link
 * org.anisoscope.device.DeviceProvider}). {@link org.anisoscope.device.DeviceModel} is the Transformer and its AdamW
 * step written only in those operations ({@code model.device = cuda | cpu-device}); {@link
 * org.anisoscope.device.StepRecord} carries recorded steps to a GPU machine. See ARCHITECTURE.md, "Device layer".
 */
package org.anisoscope.device;
