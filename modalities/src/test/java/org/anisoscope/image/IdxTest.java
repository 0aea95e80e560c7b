package org.anisoscope.image;

import org.anisoscope.config.SettingsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxTest {
  @TempDir
  Path tmp;

  private Path write(String name, byte[] content) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, content);
    return p;
  }

  private static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }

  private static byte[] idx(int magic, int[] dims, int dataBytes) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + dataBytes);
    b.putInt(magic);
    for (int d : dims) {
      b.putInt(d);
    }
    for (int i = 0; i < dataBytes; i++) {
      b.put((byte) (i * 7));
    }
    return b.array();
  }

  /** The committed cut: 200 images of 28×28 whose labels are Fashion-MNIST's 10 classes. */
  @Test
  void readsTheCommittedCut() throws IOException {
    Idx.Images im = Idx.readImages(write("i.gz", ImageSamples.bytes(ImageSamples.IMAGES)));
    int[] labels = Idx.readLabels(write("l.gz", ImageSamples.bytes(ImageSamples.LABELS)));
    assertEquals(200, im.count());
    assertEquals(28, im.rows());
    assertEquals(28, im.cols());
    assertEquals(200, labels.length);
    assertEquals(9, Arrays.stream(labels).max().getAsInt());
    assertEquals(0, Arrays.stream(labels).min().getAsInt());
    assertEquals(9, labels[0]);  // the first t10k image is an ankle boot (class 9)
  }

  /** Bytes round-trip exactly through a file written by hand. */
  @Test
  void readsWhatWasWritten() throws IOException {
    byte[] raw = idx(Idx.IMAGES_MAGIC, new int[] {2, 3, 4}, 24);
    Idx.Images im = Idx.readImages(write("x.gz", gzip(raw)));
    assertEquals(2, im.count());
    assertEquals(Arrays.toString(Arrays.copyOfRange(raw, 16, 40)), Arrays.toString(im.pixels()));
    Idx.Images plain = Idx.readImages(write("x.idx", raw));  // not gzipped: by the suffix
    assertEquals(Arrays.toString(im.pixels()), Arrays.toString(plain.pixels()));
  }

  @Test
  void refusesAWrongMagic() throws IOException {
    Path p = write("m.gz", gzip(idx(Idx.LABELS_MAGIC, new int[] {2, 3, 4}, 24)));
    SettingsException e = assertThrows(SettingsException.class, () -> Idx.readImages(p));
    assertTrue(e.getMessage().startsWith(p + ": expected an IDX image file (magic 0x00000803), got magic "
        + "0x00000801"), e.getMessage());
  }

  @Test
  void refusesDimensionsThatDisagreeWithTheFileLength() throws IOException {
    Path shortFile = write("s.gz", gzip(idx(Idx.IMAGES_MAGIC, new int[] {3, 3, 4}, 24)));
    SettingsException e = assertThrows(SettingsException.class, () -> Idx.readImages(shortFile));
    assertTrue(e.getMessage().contains(shortFile + ": expected 3 images of 3×4 = 36 bytes"), e.getMessage());
    Path longFile = write("l.gz", gzip(idx(Idx.IMAGES_MAGIC, new int[] {1, 3, 4}, 24)));
    e = assertThrows(SettingsException.class, () -> Idx.readImages(longFile));
    assertTrue(e.getMessage().contains("the file is longer"), e.getMessage());
  }

  @Test
  void refusesATruncatedGzip() throws IOException {
    byte[] whole = ImageSamples.bytes(ImageSamples.IMAGES);
    Path p = write("t.gz", Arrays.copyOf(whole, whole.length / 2));
    SettingsException e = assertThrows(SettingsException.class, () -> Idx.readImages(p));
    assertTrue(e.getMessage().startsWith(p + ": expected "), e.getMessage());
    assertTrue(e.getMessage().contains("ends early"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  @Test
  void refusesAMissingFile() {
    Path p = tmp.resolve("none.gz");
    SettingsException e = assertThrows(SettingsException.class, () -> Idx.readLabels(p));
    assertTrue(e.getMessage().startsWith(p + ": not found"), e.getMessage());
  }
}
