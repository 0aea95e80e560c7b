package org.anisoscope.image;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PatchesTest {
  /** A 4×4 image of values y·4 + x cut into 2×2 patches: each patch's rows in raster order. */
  @Test
  void cutsPatchesInRasterOrder() {
    float[] img = new float[16];
    for (int i = 0; i < 16; i++) {
      img[i] = i;
    }
    Patches p = new Patches(4, 4, 2, false);
    float[] out = new float[16];
    p.write(img, out, 0);
    assertEquals(4, p.seq());
    float[] expected = {0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15};
    for (int i = 0; i < 16; i++) {
      assertEquals(expected[i], out[i], "value " + i);
    }
  }

  @Test
  void aClassTokenAddsAnEmptyFirstRow() {
    float[] img = new float[16];
    java.util.Arrays.fill(img, 1f);
    Patches p = new Patches(4, 4, 2, true);
    float[] out = new float[2 * 5 * 4];
    java.util.Arrays.fill(out, 7f);
    p.write(img, out, 5);   // the second image's rows start at row 5
    assertEquals(5, p.seq());
    for (int j = 0; j < 4; j++) {
      assertEquals(0f, out[5 * 4 + j]);
      assertEquals(7f, out[4 * 4 + j]);   // the first image's rows are left alone
    }
    assertEquals(1f, out[6 * 4]);
  }

  @Test
  void refusesAPatchThatDoesNotDivideTheImage() {
    assertThrows(IllegalArgumentException.class, () -> new Patches(28, 28, 5, false));
  }
}
