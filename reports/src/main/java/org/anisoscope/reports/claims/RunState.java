package org.anisoscope.reports.claims;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a planned run's directory holds, from its {@code provenance*.json} (the record of the first start and one
 * per {@code --resume}): nothing yet, finished, half done (resumable), failed, or made by another command.
 */
public record RunState(Kind kind, String detail, double runSeconds) {
  public enum Kind {
    /** No directory yet: start it. */
    NEW,
    /** Some provenance file says "finished": reuse it. */
    FINISHED,
    /** Started and interrupted (no status yet): continue with run.sh --resume. */
    HALF,
    /** The directory exists without config.conf/provenance.json (killed while starting): start it again. */
    BROKEN,
    /** The run stopped with an error (status "failed: ..."): kept as is, reported; delete it to retry. */
    FAILED,
    /** Made by a different command (another mode or matrix): never reused or overwritten. */
    CONFLICT
  }

  /** Reads {@code run.dir()}. */
  public static RunState of(PlannedRun run) {
    Path dir = run.dir();
    if (!Files.exists(dir)) {
      return new RunState(Kind.NEW, "", 0);
    }
    List<JsonObject> provs = new ArrayList<>();
    Optional<JsonObject> first = json(dir.resolve("provenance.json"));
    first.ifPresent(provs::add);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "provenance-resume-*.json")) {
      for (Path p : ds) {
        json(p).ifPresent(provs::add);
      }
    } catch (IOException e) {
      return new RunState(Kind.BROKEN, dir + ": unreadable (" + e.getMessage() + ")", 0);
    }
    double seconds = 0;
    for (JsonObject p : provs) {
      seconds += seconds(p);
    }
    if (first.isPresent()) {
      List<String> recorded = commandLine(first.get());
      List<String> planned = comparable(run.command().subList(1, run.command().size()));
      if (!recorded.isEmpty() && !comparable(recorded).equals(planned)) {
        return new RunState(Kind.CONFLICT, dir + " was made by another command (" + String.join(" ", recorded)
            + "); remove it or choose another output folder", seconds);
      }
    }
    for (JsonObject p : provs) {
      if ("finished".equals(string(p, "status"))) {
        return new RunState(Kind.FINISHED, "", seconds);
      }
    }
    for (JsonObject p : provs) {
      String status = string(p, "status");
      if (status != null && status.startsWith("failed")) {
        return new RunState(Kind.FAILED, status, seconds);
      }
    }
    if (first.isPresent() && Files.isRegularFile(dir.resolve("config.conf")) && run.viaRunSh()) {
      return new RunState(Kind.HALF, "", seconds);
    }
    return new RunState(Kind.BROKEN, "", seconds);
  }

  /** The run directory key and the overwrite flag may differ (a shared folder mounted elsewhere, a restart). */
  private static List<String> comparable(List<String> args) {
    return args.stream().filter(a -> !a.startsWith(Matrix.DIR_KEY) && !a.equals(PaperMain.OVERWRITE)).toList();
  }

  private static Optional<JsonObject> json(Path p) {
    if (!Files.isRegularFile(p)) {
      return Optional.empty();
    }
    try {
      JsonElement e = JsonParser.parseString(Files.readString(p));
      return e.isJsonObject() ? Optional.of(e.getAsJsonObject()) : Optional.empty();
    } catch (IOException | JsonParseException e) {
      return Optional.empty(); // a torn file counts as absent: the run is then half done or broken
    }
  }

  private static String string(JsonObject o, String key) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() || !e.isJsonPrimitive() ? null : e.getAsString();
  }

  private static List<String> commandLine(JsonObject o) {
    JsonElement e = o.get("command_line");
    List<String> out = new ArrayList<>();
    if (e != null && e.isJsonArray()) {
      e.getAsJsonArray().forEach(x -> out.add(x.isJsonPrimitive() ? x.getAsString() : x.toString()));
    }
    return out;
  }

  private static double seconds(JsonObject o) {
    String start = string(o, "start_time");
    String end = string(o, "end_time");
    if (start == null || end == null) {
      return 0;
    }
    try {
      return Duration.between(Instant.parse(start), Instant.parse(end)).toMillis() / 1000.0;
    } catch (DateTimeParseException e) {
      return 0;
    }
  }
}
