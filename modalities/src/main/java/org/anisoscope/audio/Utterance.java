package org.anisoscope.audio;

import java.nio.file.Path;

/**
 * One recording listed by a manifest.
 *
 * @param file the WAV file (absolute or relative to the working directory)
 * @param seconds duration from the manifest; NaN when unknown (a folder scanned without a manifest)
 * @param speaker speaker id ("" when unknown)
 * @param transcript what is said ("" when unknown)
 */
public record Utterance(Path file, double seconds, String speaker, String transcript) {
}
