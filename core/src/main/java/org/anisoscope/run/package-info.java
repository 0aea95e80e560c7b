/**
 * The run directory ({@link org.anisoscope.run.RunDirectory}; contract in ARCHITECTURE.md §5 and "Run directory:
 * writes and resume") and {@code provenance.json} ({@link org.anisoscope.run.Provenance}). Every whole file is
 * written by {@link org.anisoscope.files.AtomicFiles}; the CSV logs are {@link org.anisoscope.files.CsvLog}s.
 */
package org.anisoscope.run;
