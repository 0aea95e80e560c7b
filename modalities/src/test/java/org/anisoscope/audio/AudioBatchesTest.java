package org.anisoscope.audio;

import org.anisoscope.data.Batch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crops, padding, masks and targets of audio batches on synthetic clips whose every value names its clip and
 * frame, so a row can be traced back to where it was cut from.
 */
class AudioBatchesTest {
  static final int M = AudioFeatures.MELS;

  /** Clip c of {@code frames} frames: mel[t, j] = 1000 c + t; wave sample i = c + i / 1e6; cluster id = t % 7. */
  static Clip clip(int c, int frames) {
    float[] mel = new float[frames * M];
    for (int t = 0; t < frames; t++) {
      for (int j = 0; j < M; j++) {
        mel[t * M + j] = 1000 * c + t;
      }
    }
    float[] wave = new float[AudioFeatures.WINDOW + (frames - 1) * AudioFeatures.HOP];
    for (int i = 0; i < wave.length; i++) {
      wave[i] = c + i / 1e6f;
    }
    int[] ids = new int[frames];
    for (int t = 0; t < frames; t++) {
      ids[t] = t % 7;
    }
    return new Clip(new Utterance(Path.of("c" + c + ".wav"), 1, "s", ""), wave, mel, frames, ids);
  }

  static AudioBatches batches(AudioFeatures f, AudioBatches.Target t, List<Clip> train, List<Clip> val) {
    return new AudioBatches(train, val, f, t, 8, 4, 2, 11, 0.65, 3);
  }

  @Test
  void shortClipsArePaddedAndPaddingIsNeverMasked() {
    AudioBatches b = batches(AudioFeatures.LOG_MEL, AudioBatches.Target.LOG_MEL, List.of(clip(1, 5)),
        List.of(clip(2, 20)));
    Batch x = b.train(0);
    assertEquals(8, x.seq());
    for (int s = 0; s < 4; s++) {
      for (int t = 0; t < 8; t++) {
        int row = s * 8 + t;
        assertEquals(t >= 5, x.padding()[row], "row " + row);
        assertFalse(x.padding()[row] && x.masked()[row], "a padded frame is masked: row " + row);
        float want = t < 5 ? 1000 + t : 0;
        assertEquals(want, x.inputs().values()[row * M], "input row " + row);
        assertEquals(want, x.valueTargets().values()[row * M + 79], "target row " + row);
      }
    }
  }

  @Test
  void longClipsAreCroppedWithoutPaddingAndFramesComeFromTheWave() {
    AudioBatches b = batches(AudioFeatures.FRAMES, AudioBatches.Target.NONE, List.of(clip(3, 40)),
        List.of(clip(2, 20)));
    Batch x = b.train(5);
    assertNull(x.padding());
    assertNull(x.valueTargets());
    assertEquals(AudioFeatures.WINDOW, x.inputs().width());
    for (int s = 0; s < 4; s++) {
      // the first sample of each row is c + 320·frame / 1e6: consecutive rows are consecutive frames
      float first = x.inputs().values()[s * 8 * 400];
      int start = Math.round((first - 3) * 1e6f / 320);
      assertTrue(start >= 0 && start <= 40 - 8, "start " + start);
      for (int t = 0; t < 8; t++) {
        assertEquals(3 + (start + t) * 320 / 1e6f, x.inputs().values()[(s * 8 + t) * 400], 1e-6);
        assertEquals(3 + ((start + t) * 320 + 399) / 1e6f, x.inputs().values()[(s * 8 + t) * 400 + 399], 1e-6);
      }
      int masked = 0;
      for (int t = 0; t < 8; t++) {
        masked += x.masked()[s * 8 + t] ? 1 : 0;
      }
      assertTrue(masked >= 1, "sequence " + s + " has no masked frame");
    }
    // a pure function of the step
    assertArrayEquals(x.inputs().values(), b.train(5).inputs().values());
    assertArrayEquals(x.masked(), b.train(5).masked());
  }

  @Test
  void clusterTargetsSitOnMaskedFramesOnly() {
    AudioBatches b = batches(AudioFeatures.LOG_MEL, AudioBatches.Target.CLUSTERS, List.of(clip(1, 6)),
        List.of(clip(2, 20)));
    Batch x = b.train(2);
    for (int row = 0; row < 32; row++) {
      int t = row % 8;
      int want = x.masked()[row] ? t % 7 : Batch.IGNORE; // clip 1 is shorter than 8: no crop, start 0
      assertEquals(want, x.targets()[row], "row " + row);
    }
  }

  @Test
  void probeTakesOneUnpaddedCentreCropPerLongEnoughValidationUtterance() {
    AudioBatches b = batches(AudioFeatures.LOG_MEL, AudioBatches.Target.LOG_MEL, List.of(clip(1, 30)),
        List.of(clip(2, 20), clip(4, 5), clip(5, 8)));
    assertEquals(2, b.probeCandidates());
    List<Batch> probe = b.probeBatches(2, 1);
    assertEquals(2, probe.size());
    for (Batch p : probe) {
      assertNull(p.padding());
      assertNull(p.masked());
    }
    assertEquals(2000 + 6, probe.get(0).inputs().values()[0]); // (20 − 8) / 2 = 6
    assertEquals(5000, probe.get(1).inputs().values()[0]);
    assertThrows(IllegalArgumentException.class, () -> b.probeBatches(3, 2));
    assertEquals(2, b.evalBatches().size());
    assertEquals(30, b.trainPositions());
  }
}
