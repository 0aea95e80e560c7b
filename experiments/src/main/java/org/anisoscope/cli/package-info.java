/**
 * The command line behind {@code experiments/run.sh} ({@link org.anisoscope.cli.Main}, picocli) and the wiring
 * of one configuration to the parts ({@link org.anisoscope.cli.Experiment}): settings → data → model → run
 * directory → trainer → sample → report.
 */
package org.anisoscope.cli;
