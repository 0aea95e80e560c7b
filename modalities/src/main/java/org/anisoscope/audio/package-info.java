/**
 * The audio modality: real speech recordings in, 20 ms frames out.
 *
 * <h2>Reading</h2>
 * {@link org.anisoscope.audio.AudioManifest} lists the recordings ({@code manifest.tsv}: file, seconds, speaker,
 * transcript, written by {@code experiments/fetch-data.sh audio}; or any folder of WAVs, speaker = folder name);
 * {@link org.anisoscope.audio.AudioSplit} holds out utterances (whole speakers when there are four or more);
 * {@link org.anisoscope.audio.WavReader} decodes PCM 8/16/24/32-bit and float WAVs with {@code javax.sound.sampled}
 * and averages channels to mono; {@link org.anisoscope.audio.Resampler} brings any rate to 16 kHz with a
 * Kaiser-windowed sinc (90 dB stopband from the lower Nyquist frequency on; tested on sine sweeps to −80 dB).
 * Bad input fails with one line naming the file and what was expected.
 *
 * <h2>Features</h2>
 * One frame grid for everything: 25 ms windows every 20 ms ({@link org.anisoscope.audio.AudioFeatures}).
 * {@code frames}: the raw window (standardised waveform), 400 values; {@code log-mel}: 80 Slaney mel bands of a
 * 512-point FFT (JTransforms) of the Hann-windowed frame, {@code ln(max(mel, 1e-10))}, standardised per band with
 * the training split's statistics ({@link org.anisoscope.audio.LogMel}, matched to a NumPy reference). The
 * frontend is the float-input {@link org.anisoscope.model.PatchEmbedding}: a learned linear map of each frame
 * (for {@code frames} a one-layer strided convolution, kernel 400, stride 320).
 *
 * <h2>Batches and targets</h2>
 * {@link org.anisoscope.audio.AudioBatches}: crops of {@code model.context} frames, shorter utterances padded at
 * the end (attention ignores padded keys; padded frames are never masked, so no loss counts them); wav2vec 2.0's
 * span masks ({@link org.anisoscope.audio.SpanMasking}); log-mel targets for masked regression; k-means ids
 * ({@link org.anisoscope.audio.KMeans}, seeded k-means++ over training log-mel frames) for masked-cluster. The
 * probe set is one unpadded centre crop per validation utterance, so {@code cos_mean_intra} is "within one
 * recording" and {@code cos_mean_inter} "across recordings".
 */
package org.anisoscope.audio;
