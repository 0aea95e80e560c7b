package org.anisoscope.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the vector files {@link AnalyzeVectors} reads: a {@code .npy} file as given, or in a run directory every
 * {@code probes/step-<SSSSSSS>/<hook>.npy} below it (the run directory contract, ARCHITECTURE.md §5), ordered by step, then hook.
 */
final class VectorFiles {
  private static final Pattern STEP_DIR = Pattern.compile("step-(\\d+)");

  /** One file to analyse: the argument it came from, its step (empty if unknown) and its hook name. */
  record Entry(String source, Path file, String step, String hook) {}

  /** Thrown for an argument that is not what {@link AnalyzeVectors} expects; the message is one line. */
  static final class BadInput extends Exception {
    BadInput(String message) {
      super(message);
    }
  }

  private VectorFiles() {}

  static List<Entry> find(String arg) throws BadInput, IOException {
    Path path = Path.of(arg);
    if (Files.isRegularFile(path)) {
      if (!path.getFileName().toString().endsWith(".npy")) {
        throw new BadInput(arg + ": not a .npy file (expected a .npy file [N, d] or a run directory)");
      }
      return List.of(entry(arg, path));
    }
    if (!Files.isDirectory(path)) {
      throw new BadInput(arg + ": no such file or directory (expected a .npy file [N, d] or a run directory)");
    }
    List<Entry> found = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isRegularFile(p) && isProbeFile(p)) {
          found.add(entry(arg, p));
        }
      }
    }
    if (found.isEmpty()) {
      throw new BadInput(arg + ": no probes/step-*/<hook>.npy files below it (expected a run directory saved with "
          + "probe.save-vectors = true, or a .npy file)");
    }
    found.sort(Comparator.comparing((Entry e) -> e.step().isEmpty() ? -1 : Long.parseLong(e.step()))
        .thenComparing(Entry::hook).thenComparing(e -> e.file().toString()));
    return found;
  }

  private static boolean isProbeFile(Path p) {
    Path parent = p.getParent();
    Path grand = parent == null ? null : parent.getParent();
    return p.getFileName().toString().endsWith(".npy") && parent != null && grand != null
        && STEP_DIR.matcher(parent.getFileName().toString()).matches()
        && grand.getFileName() != null && grand.getFileName().toString().equals("probes");
  }

  private static Entry entry(String source, Path file) {
    String name = file.getFileName().toString();
    String hook = name.substring(0, name.length() - ".npy".length());
    Path parent = file.toAbsolutePath().getParent();
    String step = "";
    if (parent != null && parent.getFileName() != null) {
      Matcher m = STEP_DIR.matcher(parent.getFileName().toString());
      if (m.matches()) {
        step = Long.toString(Long.parseLong(m.group(1)));
      }
    }
    return new Entry(source, file, step, hook);
  }
}
