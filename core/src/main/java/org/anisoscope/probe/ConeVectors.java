package org.anisoscope.probe;

import com.google.common.base.Preconditions;
import org.anisoscope.io.Npy;
import org.anisoscope.model.Hooks;
import org.anisoscope.files.AtomicFiles;
import org.anisoscope.run.RunDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The vectors the report's cone plot draws ({@code probe.cone-hook}): the probe vectors of one hook, saved at
 * step 0 and at the latest probe step, whatever {@code probe.save-vectors} says (two {@code [N, d]} float32 files:
 * 2 MB for the default probe set and d-model 128), and beside each a per-vector label file.
 *
 * <p>Files: {@code probes/step-<SSSSSSS>/<hook>.npy} (the same file {@code save-vectors} writes) and
 * {@code probes/step-<SSSSSSS>/<hook>.labels.json}:
 * <pre>
 * {"hook": "blocks.3.hook_resid_post", "step": 1410, "kind": "token-frequency quintile", "ordered": true,
 *  "names": ["q1 (most frequent)", "q2", "q3", "q4", "q5 (rarest)"], "labels": [0, 4, -1, ...]}
 * </pre>
 * {@code labels[i]} is the label id (an index into {@code names}) of row i of the {@code .npy}, -1 for none. The
 * label file is absent when the run has no labels ({@link ProbeLabels}); the cone is then drawn uncoloured.
 *
 * <p>"Latest" is kept without knowing the last step in advance: each save at step S &gt; 0 deletes this hook's
 * cone files of every other step but 0 (unless {@code save-vectors} keeps them all), so a run cut short or
 * resumed still ends with step 0 and its last probe step, as an uninterrupted run does.
 */
public final class ConeVectors {
  /** {@code probe.cone-hook} value: the last block's {@code hook_resid_post}. */
  public static final String AUTO = "auto";
  /** {@code probe.cone-hook} value: no cone. */
  public static final String NONE = "none";
  public static final String LABELS_SUFFIX = ".labels.json";

  private static final Pattern STEP_DIR = Pattern.compile("step-(\\d+)");

  private final String hook;
  private final boolean keepAll;
  private final RunDirectory run;

  ConeVectors(String hook, boolean keepAll, RunDirectory run) {
    this.hook = hook;
    this.keepAll = keepAll;
    this.run = run;
  }

  /**
   * The hook {@code setting} names among the {@code probed} hooks: {@link #AUTO} is the deepest
   * {@code blocks.L.hook_resid_post} probed (else none), {@link #NONE} none; null when there is no cone.
   */
  static String resolve(String setting, List<String> probed, int layers) {
    if (setting.equals(NONE)) {
      return null;
    }
    if (setting.equals(AUTO)) {
      for (int l = layers - 1; l >= 0; l--) {
        if (probed.contains(Hooks.residPost(l))) {
          return Hooks.residPost(l);
        }
      }
      return null;
    }
    Preconditions.checkArgument(probed.contains(setting), "probe.cone-hook %s is not among the probed hooks %s",
        setting, probed);
    return setting;
  }

  String hook() {
    return hook;
  }

  /**
   * Saves the vectors {@code data} ({@code [n, d]}) of step {@code step} and their labels (null: no label file),
   * then drops this hook's cone files of the steps that are neither 0 nor {@code step}.
   *
   * @param alreadySaved true when {@code save-vectors} has just written the same {@code .npy}
   */
  void save(long step, float[] data, int n, int d, int[] labels, ProbeLabels meta, boolean alreadySaved)
      throws IOException {
    Path dir = run.probeVectors(step);
    if (!alreadySaved) {
      Npy.writeFloat32(dir.resolve(hook + ".npy"), data, n, d);
    }
    if (labels != null && meta != null) {
      AtomicFiles.writeString(dir.resolve(hook + LABELS_SUFFIX), labelsJson(step, labels, meta));
    }
    if (step > 0 && !keepAll) {
      dropOthers(dir.getParent(), step);
    }
  }

  private void dropOthers(Path probes, long keep) throws IOException {
    List<Path> dirs;
    try (Stream<Path> s = Files.list(probes)) {
      dirs = s.toList();
    }
    for (Path p : dirs) {
      Matcher m = STEP_DIR.matcher(p.getFileName().toString());
      if (!m.matches() || !Files.isDirectory(p)) {
        continue;
      }
      long s = Long.parseLong(m.group(1));
      if (s == 0 || s == keep) {
        continue;
      }
      Files.deleteIfExists(p.resolve(hook + ".npy"));
      Files.deleteIfExists(p.resolve(hook + LABELS_SUFFIX));
      try (Stream<Path> rest = Files.list(p)) {
        if (rest.findAny().isEmpty()) {
          Files.delete(p);
        }
      }
    }
  }

  String labelsJson(long step, int[] labels, ProbeLabels meta) {
    StringBuilder b = new StringBuilder(labels.length * 3 + 256);
    b.append("{\"hook\": ").append(quote(hook)).append(", \"step\": ").append(step)
        .append(", \"kind\": ").append(quote(meta.kind())).append(", \"ordered\": ").append(meta.ordered())
        .append(",\n \"names\": [");
    List<String> names = meta.names();
    for (int i = 0; i < names.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(quote(names.get(i)));
    }
    b.append("],\n \"labels\": [");
    for (int i = 0; i < labels.length; i++) {
      Preconditions.checkArgument(labels[i] >= -1 && labels[i] < names.size(),
          "label %s of position %s is not -1 or an index into the %s label names", labels[i], i, names.size());
      b.append(i == 0 ? "" : i % 32 == 0 ? ",\n  " : ", ").append(labels[i]);
    }
    return b.append("]}\n").toString();
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
