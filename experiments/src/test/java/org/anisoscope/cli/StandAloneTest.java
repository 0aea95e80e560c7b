package org.anisoscope.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The repository stands alone: no source, script, config or document points its users or its error messages at
 * a file outside it (the design notes it grew from, a machine's shared folders), and the documents it does point
 * at exist.
 */
class StandAloneTest {
  private static final Path ROOT = Path.of("..");
  private static final Set<String> SKIP = Set.of("target", "runs", ".git", "node_modules", "__pycache__");
  private static final List<String> OUTSIDE = List.of("DESIGN.md", "ND4J-NOTES.md", "STYLE.md", "SOURCES.md",
      "/work/", "../shared/");

  private static List<Path> files() throws IOException {
    try (Stream<Path> s = Files.walk(ROOT)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> {
            for (Path part : ROOT.relativize(p)) {
              if (SKIP.contains(part.toString())) {
                return false;
              }
            }
            return true;
          })
          .filter(p -> p.toString().matches(".*\\.(java|md|conf|sh|py|xml|properties|txt)$"))
          .sorted().toList();
    }
  }

  @Test
  void nothingPointsOutsideTheRepository() throws IOException {
    List<String> hits = new ArrayList<>();
    List<Path> files = files();
    assertTrue(files.size() > 50, "walked " + files.size() + " files from " + ROOT.toAbsolutePath());
    for (Path f : files) {
      if (f.endsWith("StandAloneTest.java")) {
        continue;
      }
      List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        for (String s : OUTSIDE) {
          if (lines.get(i).contains(s)) {
            hits.add(ROOT.relativize(f) + ":" + (i + 1) + ": " + s);
          }
        }
      }
    }
    assertEquals(List.of(), hits);
  }

  @Test
  void theDocumentsItPointsAtExist() {
    for (String doc : List.of("README.md", "ARCHITECTURE.md", "LICENSE", "benchmarks/README.md")) {
      assertTrue(Files.isRegularFile(ROOT.resolve(doc)), doc);
    }
  }
}
