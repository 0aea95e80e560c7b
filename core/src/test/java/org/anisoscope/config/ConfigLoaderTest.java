package org.anisoscope.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad configuration fails at load time with one line naming the key, where it was set, and what was expected. */
class ConfigLoaderTest {
  @TempDir
  Path tmp;

  private Path conf(String text) throws Exception {
    Path f = tmp.resolve("exp.conf");
    Files.writeString(f, text);
    return f;
  }

  private static String failure(Path file, List<String> overrides) {
    SettingsException e = assertThrows(SettingsException.class, () -> Settings.load(file, overrides));
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  @Test
  void defaultsLoadAndValidate() {
    Settings s = Settings.load(null, List.of());
    assertEquals(4, s.model().layers());
    assertEquals(512, s.model().dFf(), "d-ff 0 means 4 × d-model");
    assertEquals("causal-lm", s.objective());
  }

  @Test
  void unknownKeyInFileNamesFileLineAndClosestKey() throws Exception {
    String m = failure(conf("anisoscope.train {\n  lrr = 0.1\n}\n"), List.of());
    assertTrue(m.contains("exp.conf"), m);
    assertTrue(m.contains(": 2"), "line number: " + m);
    assertTrue(m.contains("anisoscope.train.lrr"), m);
    assertTrue(m.contains("did you mean anisoscope.train.lr?"), m);
  }

  @Test
  void illTypedValueNamesKeyAndExpectation() throws Exception {
    String m = failure(conf("anisoscope.model.layers = four\n"), List.of());
    assertTrue(m.contains("anisoscope.model.layers") && m.contains("exp.conf") && m.contains("integer"), m);
  }

  /** Typesafe Config would read 1.5 as 1: a fraction where an integer is expected is refused, from a file too. */
  @Test
  void fractionWhereAnIntegerIsExpectedIsRefused() throws Exception {
    String m = failure(null, List.of("model.layers=1.5"));
    assertTrue(m.contains("command line: anisoscope.model.layers = 1.5: expected an integer"), m);
    m = failure(conf("anisoscope.train.epochs = 2.5\n"), List.of());
    assertTrue(m.contains("exp.conf") && m.contains("anisoscope.train.epochs = 2.5"), m);
    assertEquals(3, Settings.load(null, List.of("model.layers=3.0")).model().layers(), "3.0 is the integer 3");
  }

  /** A list or object given on the command line is reported as coming from the command line. */
  @Test
  void bracketedOverrideNamesTheCommandLine() {
    String m = failure(null, List.of("model.d-model=[1]"));
    assertTrue(m.startsWith("command line: anisoscope.model.d-model = [1]: expected an integer"), m);
  }

  @Test
  void outOfRangeValueIsRefused() {
    String m = failure(null, List.of("model.dropout=1.5"));
    assertTrue(m.contains("command line") && m.contains("anisoscope.model.dropout"), m);
  }

  @Test
  void unknownChoiceListsAllowedValues() {
    String m = failure(null, List.of("model.attention=linear"));
    assertTrue(m.contains("none, softmax"), m);
    assertTrue(failure(null, List.of("objective.type=bogus")).contains("causal-lm"));
    assertTrue(failure(null, List.of("probe.metrics=[cos_mean, nope]")).contains("isoscore"));
    assertTrue(failure(null, List.of("probe.hooks=[blocks.*.hook_nope]")).contains("hook_nope"));
  }

  @Test
  void incompatibleShapeIsRefused() {
    String m = failure(null, List.of("model.d-model=130", "model.heads=4"));
    assertTrue(m.contains("multiple of model.heads"), m);
  }

  @Test
  void commandLineOverridesWinOverTheFileWithOrWithoutPrefix() throws Exception {
    Path f = conf("anisoscope.train.epochs = 5\nanisoscope.train.lr = 0.01\n");
    Settings s = Settings.load(f, List.of("train.epochs=2", "anisoscope.train.lr=0.002"));
    assertEquals(2, s.train().epochs());
    assertEquals(0.002, s.train().lr());
  }

  @Test
  void unknownKeyOnTheCommandLineIsRefused() {
    String m = failure(null, List.of("train.epoch=2"));
    assertTrue(m.contains("did you mean anisoscope.train.epochs?"), m);
  }

  @Test
  void missingIncludeFails() throws Exception {
    String m = failure(conf("include required(\"nowhere.conf\")\n"), List.of());
    assertTrue(m.contains("nowhere.conf"), m);
  }

  @Test
  void keyOutsideTheRootIsRefused() throws Exception {
    String m = failure(conf("model.layers = 2\n"), List.of());
    assertTrue(m.contains("outside the 'anisoscope' root") && m.contains("exp.conf"), m);
  }

  @Test
  void missingFileFails() {
    assertTrue(failure(tmp.resolve("nope.conf"), List.of()).contains("not found"));
  }

  @Test
  void notKeyValueOverrideFails() {
    assertTrue(failure(null, List.of("=3")).contains("key=value"));
  }
}
