package org.anisoscope.image;

import org.anisoscope.data.Batch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageBatchesTest {
  @TempDir
  Path tmp;

  private ImageSet cut() throws Exception {
    Path i = tmp.resolve("i.gz");
    Path l = tmp.resolve("l.gz");
    Files.write(i, ImageSamples.bytes(ImageSamples.IMAGES));
    Files.write(l, ImageSamples.bytes(ImageSamples.LABELS));
    Idx.Images im = Idx.readImages(i);
    List<String> names = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    return new ImageSet(im.count(), im.rows(), im.cols(), im.pixels(), Idx.readLabels(l), names);
  }

  private ImageBatches batches(ImageBatches.Kind kind, boolean cls) throws Exception {
    ImageSet set = cut();
    return new ImageBatches(set, set, new Patches(28, 28, 7, cls), 8, 3, 42, kind, 0.5, 3, 0.2);
  }

  @Test
  void labelledBatchesCarryPatchesAndLabelsOnly() throws Exception {
    ImageBatches b = batches(ImageBatches.Kind.LABELLED, false);
    Batch t = b.train(0);
    assertEquals(8, t.size());
    assertEquals(16, t.seq());
    assertEquals(49, t.inputs().width());
    assertEquals(8, t.labels().length);
    assertNull(t.tokens());
    assertNull(t.targets());
    assertNull(t.masked());
    assertArrayEquals(t.inputs().values(), b.train(0).inputs().values());   // a pure function of the step
    assertFalse(java.util.Arrays.equals(t.inputs().values(), b.train(1).inputs().values()));
  }

  /** Standardised with the training set's statistics: over the training set, mean 0 and variance 1. */
  @Test
  void pixelsAreStandardised() throws Exception {
    ImageBatches b = batches(ImageBatches.Kind.LABELLED, false);
    float[] v = b.probeBatches(200, 200).get(0).inputs().values();
    double s = 0;
    double sq = 0;
    for (float x : v) {
      s += x;
      sq += x * x;
    }
    assertEquals(0.0, s / v.length, 1e-4);
    assertEquals(1.0, sq / v.length, 1e-3);
  }

  @Test
  void maskedBatchesMaskTheRatioOfPatchesAndNeverTheClassToken() throws Exception {
    ImageBatches b = batches(ImageBatches.Kind.MASKED, true);
    Batch t = b.train(3);
    assertEquals(17, t.seq());
    for (int img = 0; img < t.size(); img++) {
      assertFalse(t.masked()[img * 17], "class token masked");
      int m = 0;
      for (int p = 0; p < 17; p++) {
        m += t.masked()[img * 17 + p] ? 1 : 0;
      }
      assertEquals(8, m);   // round(0.5 · 16)
    }
    // targets: each patch row normalised to mean 0, variance 1 (or all 0 for a flat patch)
    float[] tv = t.valueTargets().values();
    for (int row = 1; row < 17; row++) {
      double s = 0;
      double sq = 0;
      for (int j = 0; j < 49; j++) {
        s += tv[row * 49 + j];
        sq += tv[row * 49 + j] * tv[row * 49 + j];
      }
      assertEquals(0.0, s / 49, 1e-4);
      assertTrue(Math.abs(sq / 49 - 1.0) < 1e-2 || sq < 1e-6, "row " + row + " variance " + sq / 49);
    }
  }

  @Test
  void twoViewsStackTheSameImagesDifferentlyAugmented() throws Exception {
    ImageBatches b = batches(ImageBatches.Kind.TWO_VIEWS, false);
    Batch t = b.train(0);
    assertEquals(16, t.size());
    int row = 16 * 49;
    float[] v = t.inputs().values();
    assertNotEquals(java.util.Arrays.toString(java.util.Arrays.copyOfRange(v, 0, row)),
        java.util.Arrays.toString(java.util.Arrays.copyOfRange(v, 8 * row, 9 * row)));
    // without augmentation the two halves would be equal: the same image indices
    Batch plain = b.probeBatches(8, 8).get(0);
    assertEquals(8, plain.size());
  }

  /** The cone plot's labels: every patch of a probe image carries the image's class. */
  @Test
  void probeLabelsAreTheImageClassOfEveryPatch() throws Exception {
    ImageBatches b = batches(ImageBatches.Kind.MASKED, false);
    Batch probe = b.probeBatches(3, 3).get(0);
    int[] labels = b.probeLabels().orElseThrow().labels(probe);
    int[] classes = cut().labels();
    assertEquals(3 * 16, labels.length);
    for (int i = 0; i < labels.length; i++) {
      assertEquals(classes[i / 16], labels[i], "position " + i);
    }
    assertEquals(10, b.probeLabels().orElseThrow().names().size());
  }

  @Test
  void evalBatchesCoverTheValidationImagesInOrder() throws Exception {
    ImageBatches b = batches(ImageBatches.Kind.LABELLED, false);
    List<Batch> eval = b.evalBatches();
    assertEquals(3, eval.size());
    assertEquals(cut().labels()[8], eval.get(1).labels()[0]);
  }
}
