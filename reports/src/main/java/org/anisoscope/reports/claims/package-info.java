/**
 * The paper's claims as data: the run matrix ({@code experiments/paper/matrix.conf}), the pre-registered rules
 * ({@code experiments/paper/rules.conf}) and a rule engine that turns finished run directories into one verdict
 * per claim (holds / does not hold / inconclusive), mechanically. {@link org.anisoscope.reports.claims.PaperMain}
 * is the command line behind {@code experiments/paper.sh}: it plans the matrix, starts the runs that are missing
 * or half done, and writes {@code claims.md}, {@code claims.csv} and an HTML page.
 *
 * <p>Files only (probes.csv, eval.csv, provenance.json, the untrained-block CSV), no ND4J, like the rest of the
 * reports module.
 */
package org.anisoscope.reports.claims;
