package org.anisoscope.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A resumed run keeps the weight-decay groups it was trained with. */
class SavedConfigTest {
  @TempDir
  Path dir;

  @Test
  void aRunFromBeforeTheKeyKeepsTheOldGroups() throws Exception {
    Path old = dir.resolve("old.conf");
    Files.writeString(old, "anisoscope.train { weight-decay = 0.1 }\n");
    assertFalse(Experiment.savedConfig(old).getBoolean("anisoscope.train.decay-embeddings"));
  }

  @Test
  void aRunWithTheKeyKeepsItsValue() throws Exception {
    Path now = dir.resolve("now.conf");
    Files.writeString(now, "anisoscope.train { decay-embeddings = true }\n");
    assertTrue(Experiment.savedConfig(now).getBoolean("anisoscope.train.decay-embeddings"));
  }
}
