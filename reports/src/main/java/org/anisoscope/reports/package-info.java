/**
 * Reports: reads run directories and writes self-contained HTML with plots.
 *
 * <p><b>Files only, deliberately.</b> This module depends on no ND4J and loads no model: it reads the files of the
 * run directory contract (ARCHITECTURE.md §5) — {@code config.conf}, {@code provenance.json}, {@code train.csv},
 * {@code eval.csv}, {@code probes.csv}, and the cone's {@code probes/step-<S>/<hook>.npy} with its
 * {@code <hook>.labels.json} ({@link org.anisoscope.reports.Cone}) — so a report can be redrawn for any past run, on any machine, without the
 * model or the code that trained it. Any file may be missing or hold only its header (a run still at step 0):
 * the report still renders and says what is missing. A file that is present but malformed fails with a
 * one-line {@link org.anisoscope.reports.ReportException} naming the file and line.
 *
 * <p><b>Depth convention.</b> The representation depth of a hook is 0 for {@code hook_embed} and L + 1 for
 * {@code blocks.L.hook_resid_post}, so "layer 0" in the plots is the embedding and the last depth is the output
 * of the last block ({@link org.anisoscope.reports.Hooks}). Per-head metrics ({@code q_mean_norm},
 * {@code k_mean_norm}, {@code qk_mean_cos}, {@code qk_mean_dot}, {@code attn_entropy}) are averaged over heads
 * and drawn per <em>block</em> L, labelled "block L" so they are not confused with depths.
 *
 * <p><b>What lives here.</b>
 * <ul>
 *   <li>{@link org.anisoscope.reports.CsvTable}: a strict reader of the run CSVs;</li>
 *   <li>{@link org.anisoscope.reports.RunReport}: {@code <run>/report/index.html} for one run;</li>
 *   <li>{@link org.anisoscope.reports.CompareReport}: several runs side by side ({@code compare.csv} too);</li>
 *   <li>{@link org.anisoscope.reports.RunFigures}, {@link org.anisoscope.reports.CompareFigures},
 *       {@link org.anisoscope.reports.Cone}, {@link org.anisoscope.reports.Heatmap}: the figures, with axes from
 *       {@link org.anisoscope.reports.MetricInfo} (cosine-type metrics on a fixed [0, 1] axis);</li>
 *   <li>{@link org.anisoscope.reports.ReportMain}: the command line behind {@code experiments/report.sh}.</li>
 * </ul>
 * Plots are PNGs drawn with XChart (headless) and embedded as {@code data:} URIs; numbers are always written
 * with {@code .} as decimal point, whatever the default locale. The "final" probe step is the last step in
 * {@code probes.csv}. Reports are written atomically (temporary file, then rename) and never modify the run's
 * other files.
 */
package org.anisoscope.reports;
