package org.anisoscope.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AudioManifestTest {
  @TempDir
  Path dir;

  private Path set() throws IOException {
    Files.createDirectories(dir.resolve("wav"));
    Files.copy(WavReaderTest.resource("ru_0003.wav"), dir.resolve("wav/ru_0003.wav"));
    Files.copy(WavReaderTest.resource("sense_and_sensibility_01_austen_64kb-0880.wav"), dir.resolve("wav/a.wav"));
    return dir;
  }

  @Test
  void readsAManifestWithPathsRelativeToItsFolder() throws IOException {
    set();
    Files.writeString(dir.resolve("manifest.tsv"), AudioManifest.HEADER + "\n"
        + "wav/ru_0003.wav\t6.125\tmsu_ru_nsh\tСо спокойным мужеством\n"
        + "wav/a.wav\t2.990\tausten\t\n");
    List<Utterance> u = AudioManifest.load(dir);
    assertEquals(2, u.size());
    assertEquals(dir.resolve("wav/ru_0003.wav").toAbsolutePath(), u.get(0).file());
    assertEquals(6.125, u.get(0).seconds());
    assertEquals("msu_ru_nsh", u.get(0).speaker());
    assertEquals("Со спокойным мужеством", u.get(0).transcript());
    assertEquals("", u.get(1).transcript());
  }

  @Test
  void aFolderWithoutManifestIsScannedWithFolderNamesAsSpeakers() throws IOException {
    set();
    Files.createDirectories(dir.resolve("bob"));
    Files.copy(WavReaderTest.resource("ru_0003.wav"), dir.resolve("bob/x.WAV"));
    Files.writeString(dir.resolve("bob/notes.txt"), "not audio");
    List<Utterance> u = AudioManifest.load(dir);
    assertEquals(3, u.size());
    assertEquals("bob", u.get(0).speaker()); // sorted by path: bob/ before wav/
    assertEquals("wav", u.get(1).speaker());
    assertTrue(Double.isNaN(u.get(0).seconds()));
  }

  @Test
  void badManifestsFailInOneLineNamingFileAndLine() throws IOException {
    set();
    String[][] cases = {
        {"missing file", AudioManifest.HEADER + "\nwav/ru_0003.wav\t6.1\ts\tt\nwav/gone.wav\t1.0\ts\tt\n", "line 3"},
        {"no header", "wav/a.wav\t1.0\ts\tt\n", "line 1"},
        {"three fields", AudioManifest.HEADER + "\nwav/a.wav\t1.0\ts\n", "line 2"},
        {"bad seconds", AudioManifest.HEADER + "\nwav/a.wav\tlong\ts\tt\n", "line 2"},
        {"negative seconds", AudioManifest.HEADER + "\nwav/a.wav\t-1\ts\tt\n", "line 2"},
        {"empty", AudioManifest.HEADER + "\n", "no recordings"},
    };
    for (String[] c : cases) {
      Path m = dir.resolve("manifest.tsv");
      Files.writeString(m, c[1]);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AudioManifest.load(dir),
          c[0]);
      String msg = e.getMessage();
      assertTrue(msg.startsWith(m.toString()) && msg.contains(c[2]) && msg.contains("expected")
          && !msg.contains("\n"), c[0] + ": " + msg);
    }
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AudioManifest.load(empty)).getMessage()
        .startsWith(empty.toString()));
    Path none = dir.resolve("none");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AudioManifest.load(none)).getMessage()
        .startsWith(none.toString()));
  }
}
