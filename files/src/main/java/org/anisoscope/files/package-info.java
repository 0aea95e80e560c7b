/**
 * What every module that writes files shares, with no dependency beyond the JDK (so the reports need no ND4J and
 * core no reports): the one atomic whole-file writer ({@link org.anisoscope.files.AtomicFiles}), the one CSV
 * writer ({@link org.anisoscope.files.Csv}) and the append-only run logs built on it
 * ({@link org.anisoscope.files.CsvLog}), and the two failures the command lines tell apart from bugs: bad input
 * ({@link org.anisoscope.files.BadInputException}, exit 2) and an output that cannot be written
 * ({@link org.anisoscope.files.OutputException}).
 */
package org.anisoscope.files;
