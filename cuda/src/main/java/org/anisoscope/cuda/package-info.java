/**
 * The CUDA device: {@link org.anisoscope.cuda.CudaDevice} implements {@link org.anisoscope.device.Device} with
 * cuBLAS for the products and the kernels in {@code resources/org/anisoscope/cuda/*.cu}, compiled at run time by
 * NVRTC ({@link org.anisoscope.cuda.Nvrtc}) for the compute capability of the GPU present and loaded through the
 * driver API. Built only with {@code -Pcuda}; see ARCHITECTURE.md, "Device layer".
 */
package org.anisoscope.cuda;
