package org.anisoscope.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The committed 200-image Fashion-MNIST cut (test resources, see NOTICE.md), copied where a test wants it. */
final class ImageSamples {
  static final String IMAGES = "fashion-mnist-t10k-first200-images-idx3-ubyte.gz";
  static final String LABELS = "fashion-mnist-t10k-first200-labels-idx1-ubyte.gz";

  private ImageSamples() {
  }

  static byte[] bytes(String name) {
    try (InputStream in = ImageSamples.class.getResourceAsStream("/image/" + name)) {
      if (in == null) {
        throw new IllegalStateException("test resource /image/" + name + " missing");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the cut as the four IDX files of a data.image.path folder (train = val = the 200 images). */
  static Path idxFolder(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String f : ImageData.IDX_FILES) {
      Files.write(dir.resolve(f), bytes(f.contains("images") ? IMAGES : LABELS));
    }
    return dir;
  }
}
