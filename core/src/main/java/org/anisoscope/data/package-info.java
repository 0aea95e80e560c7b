/**
 * Batches and where they come from: {@link org.anisoscope.data.Batch}, the {@link org.anisoscope.data.BatchSource}
 * seam (every batch a pure function of its index and the seed), {@link org.anisoscope.data.TokenWindows} for
 * next-token windows, and the {@link org.anisoscope.data.Tokenizer} interface the modalities implement.
 */
package org.anisoscope.data;
