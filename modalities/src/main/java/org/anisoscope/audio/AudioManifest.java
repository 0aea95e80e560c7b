package org.anisoscope.audio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The list of recordings of an audio set. {@code manifest.tsv} (written by {@code experiments/fetch-data.sh
 * audio}): a header {@code file TAB seconds TAB speaker TAB transcript}, then one row per WAV, {@code file}
 * relative to the manifest's folder. A folder without a manifest is scanned for {@code *.wav} files (any depth,
 * sorted by path), the speaker being the name of each file's folder (so {@code speakerA/x.wav} and
 * {@code speakerB/y.wav} are two speakers). Bad input fails with one line naming the file (and line) and what was
 * expected; a listed file that does not exist is bad input.
 */
public final class AudioManifest {
  public static final String NAME = "manifest.tsv";
  static final String HEADER = "file\tseconds\tspeaker\ttranscript";

  private AudioManifest() {
  }

  /** A folder (its manifest.tsv, else its WAV files) or a manifest file itself. */
  public static List<Utterance> load(Path path) {
    if (Files.isDirectory(path)) {
      Path m = path.resolve(NAME);
      return Files.isRegularFile(m) ? read(m) : scan(path);
    }
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(path + ": no such file or folder; expected a folder of WAV files or a "
          + NAME);
    }
    return read(path);
  }

  /** Reads a manifest; every listed file must exist. */
  public static List<Utterance> read(Path manifest) {
    List<String> lines;
    try {
      lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(manifest + ": cannot read (" + e.getMessage() + "); expected a UTF-8 "
          + NAME, e);
    }
    if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
      throw new IllegalArgumentException(manifest + " line 1: expected the header '"
          + HEADER.replace("\t", " TAB ") + "'");
    }
    Path base = manifest.toAbsolutePath().getParent();
    List<Utterance> out = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      String where = manifest + " line " + (i + 1);
      String[] f = line.split("\t", -1);
      if (f.length != 4) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: %d fields; expected file TAB seconds "
            + "TAB speaker TAB transcript", where, f.length));
      }
      double seconds;
      try {
        seconds = Double.parseDouble(f[1]);
      } catch (NumberFormatException e) {
        seconds = Double.NaN;
      }
      if (!(seconds > 0) || Double.isInfinite(seconds)) {
        throw new IllegalArgumentException(where + ": seconds '" + f[1] + "'; expected a positive number");
      }
      Path file = base.resolve(f[0]).normalize();
      if (f[0].isEmpty() || !Files.isRegularFile(file)) {
        throw new IllegalArgumentException(where + ": no such file '" + f[0] + "' (" + file + "); expected a WAV "
            + "file that exists");
      }
      out.add(new Utterance(file, seconds, f[2], f[3]));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(manifest + ": lists no recordings; expected at least one row");
    }
    return out;
  }

  /** Every {@code *.wav} below {@code folder}, sorted; speaker = the file's folder name. */
  public static List<Utterance> scan(Path folder) {
    List<Path> wavs;
    try (Stream<Path> s = Files.walk(folder)) {
      wavs = s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(Locale.ROOT)
          .endsWith(".wav")).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(folder + ": cannot list (" + e.getMessage() + ")", e);
    }
    if (wavs.isEmpty()) {
      throw new IllegalArgumentException(folder + ": no *.wav files and no " + NAME + "; expected a folder of WAV "
          + "files (experiments/fetch-data.sh audio makes one)");
    }
    List<Utterance> out = new ArrayList<>();
    for (Path p : wavs) {
      Path parent = p.getParent();
      String speaker = parent.equals(folder) ? "" : parent.getFileName().toString();
      out.add(new Utterance(p, Double.NaN, speaker, ""));
    }
    return out;
  }
}
