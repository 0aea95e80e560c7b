package org.anisoscope.image;

import com.google.common.base.Preconditions;

import java.util.List;

/**
 * Grey images of one size with one class each: {@code pixels [count, height, width]} unsigned bytes (0 = black),
 * row-major, and {@code labels [count]} in {@code [0, classes)}.
 */
public record ImageSet(int count, int height, int width, byte[] pixels, int[] labels, List<String> classNames) {
  public ImageSet {
    Preconditions.checkArgument(count >= 1 && height >= 1 && width >= 1, "bad image set shape [%s, %s, %s]", count,
        height, width);
    Preconditions.checkArgument(pixels.length == (long) count * height * width, "%s pixels for %s images of %s×%s",
        pixels.length, count, height, width);
    Preconditions.checkArgument(labels.length == count, "%s labels for %s images", labels.length, count);
    for (int l : labels) {
      Preconditions.checkArgument(l >= 0 && l < classNames.size(), "label %s outside [0, %s)", l, classNames.size());
    }
    classNames = List.copyOf(classNames);
  }

  public int classes() {
    return classNames.size();
  }

  /** Pixel {@code (y, x)} of image {@code i} in {@code [0, 255]}. */
  public int pixel(int i, int y, int x) {
    return pixels[(i * height + y) * width + x] & 0xFF;
  }

  /** The first {@code n} images. */
  public ImageSet head(int n) {
    int m = Math.min(n, count);
    return new ImageSet(m, height, width, java.util.Arrays.copyOf(pixels, m * height * width),
        java.util.Arrays.copyOf(labels, m), classNames);
  }
}
