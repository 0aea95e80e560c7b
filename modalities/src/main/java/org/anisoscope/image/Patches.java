package org.anisoscope.image;

import com.google.common.base.Preconditions;

/**
 * Cuts a grey image into non-overlapping {@code p×p} patches (ViT): patch {@code (i, j)} is sequence position
 * {@code i·(W/p) + j} (raster order), its {@code p²} values row-major within the patch. With a class token, the
 * sequence starts with one empty row that the frontend replaces.
 */
public final class Patches {
  private final int height;
  private final int width;
  private final int patch;
  private final boolean cls;

  public Patches(int height, int width, int patch, boolean cls) {
    Preconditions.checkArgument(patch >= 1 && height % patch == 0 && width % patch == 0,
        "patch size %s must divide the image size %s×%s", patch, width, height);
    this.height = height;
    this.width = width;
    this.patch = patch;
    this.cls = cls;
  }

  /** Patches per image. */
  public int patches() {
    return (height / patch) * (width / patch);
  }

  /** Sequence length: patches, plus one with a class token. */
  public int seq() {
    return patches() + (cls ? 1 : 0);
  }

  /** Values per patch, {@code p²}. */
  public int features() {
    return patch * patch;
  }

  public boolean cls() {
    return cls;
  }

  /**
   * Writes the image {@code img [height·width]} as {@link #seq()} rows of {@link #features()} values into
   * {@code dst} at row {@code row0}.
   */
  public void write(float[] img, float[] dst, int row0) {
    int f = features();
    int perRow = width / patch;
    int base = (row0 + (cls ? 1 : 0)) * f;
    if (cls) {
      java.util.Arrays.fill(dst, row0 * f, (row0 + 1) * f, 0f);
    }
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int p = (y / patch) * perRow + x / patch;
        dst[base + p * f + (y % patch) * patch + x % patch] = img[y * width + x];
      }
    }
  }
}
