/**
 * The run directory contract of ARCHITECTURE.md (§5) ({@link org.anisoscope.run.RunDirectory}), append-only CSV logs whose
 * rows are written whole ({@link org.anisoscope.run.CsvLog}), whole-file writes by temp file + rename
 * ({@link org.anisoscope.run.AtomicFiles}) and {@code provenance.json} ({@link org.anisoscope.run.Provenance}).
 */
package org.anisoscope.run;
