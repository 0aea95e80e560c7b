/**
 * Anisotropy metrics: vectors {@code [N, d]} (one hook at one probe step, plus sequence ids) → named scalars, the
 * {@code metric} column of {@code probes.csv}. Pure math in double precision; no training code.
 *
 * <h2>What lives here</h2>
 * <ul>
 *   <li>{@link org.anisoscope.metrics.HookVectors} (the input) and {@link org.anisoscope.metrics.Metric} (the seam);
 *       {@link org.anisoscope.metrics.Metrics}: the registry, names exactly as in ARCHITECTURE.md's table (§6).</li>
 *   <li>One class per metric:
 *     {@code cos_mean} {@link org.anisoscope.metrics.MeanPairwiseCosine},
 *     {@code cos_mean_intra} {@link org.anisoscope.metrics.IntraSequenceCosine},
 *     {@code cos_mean_centered} {@link org.anisoscope.metrics.CentredPairwiseCosine},
 *     {@code norm_mean_ratio} {@link org.anisoscope.metrics.NormMeanRatio},
 *     {@code pc1_share} {@link org.anisoscope.metrics.DominantDirectionShare},
 *     {@code eff_rank} {@link org.anisoscope.metrics.EffectiveRank},
 *     {@code isoscore} {@link org.anisoscope.metrics.IsoScore},
 *     {@code partition_iw} {@link org.anisoscope.metrics.PartitionIsotropy},
 *     {@code outlier_dims} {@link org.anisoscope.metrics.OutlierDimensions},
 *     {@code uniformity} {@link org.anisoscope.metrics.Uniformity}.</li>
 *   <li>{@link org.anisoscope.metrics.HeadMetrics}: per-head {@code q_mean_norm}, {@code k_mean_norm},
 *       {@code qk_mean_cos}, {@code qk_mean_dot}, {@code attn_entropy}.</li>
 *   <li>{@link org.anisoscope.metrics.Bootstrap}: 95 % percentile intervals over probe sequences,
 *       {@code <metric>_ci_lo}/{@code _ci_hi}, for {@code cos_mean} and {@code cos_mean_intra}.</li>
 *   <li>{@link org.anisoscope.metrics.AnalyzeVectors}: the metrics of saved {@code .npy} vectors without a model
 *       ({@code experiments/probe.sh}); {@link org.anisoscope.metrics.MetricsBenchmark}
 *       ({@code experiments/bench-metrics.sh}).</li>
 * </ul>
 *
 * <h2>Cost</h2>
 * The cosine and mean metrics are one pass, O(N·d) (the mean pairwise cosine is exact through
 * {@code ‖Σ u_i‖² = N + Σ_{i≠j} cos}, no sampling). The spectral ones share one double-precision ND4J GEMM for
 * the d×d scatter matrix, O(N·d²), and LAPACK {@code syev} (package-private {@code SecondMoments}, cached for the
 * last vectors); {@code partition_iw} needs a second GEMM for the projections. {@code uniformity} is O(N²·d) and
 * uses a seeded subset of at most 2048 rows. The exponentials of {@code partition_iw} and {@code uniformity}, and
 * the logarithms of {@code attn_entropy}, run in SIMD lanes (package-private {@code ExpSums}, {@code EntropySums}:
 * Cephes' exp and log from IEEE operations only, so a seeded run repeats to the bit). A caller computing several metrics of the same vectors opens a
 * {@link org.anisoscope.metrics.SharedStatistics} scope, so the column means, second moments and unit-vector sums
 * are made once per hook (the probe does, one scope per hook, hooks on all cores).
 *
 * <h2>Conventions</h2>
 * A metric returns NaN where it is undefined (fewer than two usable rows, all rows equal for the centred
 * measures, d = 1 for IsoScore), never throws on data. Zero-norm rows have no direction: the cosine measures
 * and {@code uniformity} skip them; the others use them like any row.
 *
 * <h2>References</h2>
 * <ul>
 *   <li>Ethayarajh (2019), "How Contextual are Contextualized Word Representations?", EMNLP: anisotropy as the
 *       mean cosine of random pairs ({@code cos_mean}, {@code cos_mean_intra}).</li>
 *   <li>Mu &amp; Viswanath (2018), "All-but-the-Top", ICLR: the common mean vector and dominant directions
 *       ({@code norm_mean_ratio}, {@code pc1_share}, {@code cos_mean_centered}) and the partition-function
 *       isotropy I(W) ({@code partition_iw}).</li>
 *   <li>Rudman, Gillman, Rayne &amp; Eickhoff (2022), "IsoScore: Measuring the Uniformity of Embedding Space
 *       Utilization", Findings of ACL, Algorithm 1 ({@code isoscore}).</li>
 *   <li>Roy &amp; Vetterli (2007), "The effective rank: a measure of effective dimensionality", EUSIPCO, eq. 2
 *       ({@code eff_rank}).</li>
 *   <li>Wang &amp; Isola (2020), "Understanding Contrastive Representation Learning through Alignment and
 *       Uniformity on the Hypersphere", ICML, eq. 2 with t = 2 ({@code uniformity}).</li>
 *   <li>Outlier ("rogue") dimensions: Kovaleva et al. (2021), Timkey &amp; van Schijndel (2021)
 *       ({@code outlier_dims}); query/key drift: Godey, de la Clergerie &amp; Sagot (2024)
 *       ({@link org.anisoscope.metrics.HeadMetrics}).</li>
 * </ul>
 */
package org.anisoscope.metrics;
