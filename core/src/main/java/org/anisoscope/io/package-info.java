/**
 * File formats other tools read: {@link org.anisoscope.io.Npy} writes and reads NumPy {@code .npy} files (the
 * {@code probes/step-<SSSSSSS>/<hook>.npy} vectors of a run directory, ARCHITECTURE.md §5) so that
 * {@code numpy.load} opens them and Java reads back what NumPy saved.
 *
 * <p>Writes are atomic (temporary file in the same directory, then {@code ATOMIC_MOVE}): a crash or a concurrent
 * reader never sees half a file. Read errors are {@link java.io.IOException}s with a one-line message naming the
 * file and what was expected.
 */
package org.anisoscope.io;
