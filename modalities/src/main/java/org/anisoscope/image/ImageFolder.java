package org.anisoscope.image;

import org.anisoscope.config.SettingsException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A folder of images with one sub-folder per class ({@code root/<class>/<image>.png|jpg|jpeg}, torchvision's
 * ImageFolder layout), read with ImageIO and converted to grey (ITU-R BT.601 luma). Classes are the sub-folder
 * names in sorted order; images in sorted file order. Every image must have the size of the first one. An
 * unreadable image is an {@link SettingsException} naming the file.
 */
public final class ImageFolder {
  private ImageFolder() {
  }

  public static ImageSet read(Path root) {
    List<String> classes = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
        int label = classes.size();
        classes.add(d.getFileName().toString());
        try (Stream<Path> fs = Files.list(d)) {
          for (Path f : fs.filter(ImageFolder::isImage).sorted().toList()) {
            files.add(f);
            labels.add(label);
          }
        }
      }
    } catch (IOException e) {
      throw new SettingsException(root + ": expected a readable folder of class sub-folders (" + e + ")");
    }
    if (classes.size() < 2 || files.isEmpty()) {
      throw new SettingsException(root + ": expected at least 2 class sub-folders holding .png/.jpg/.jpeg images, "
          + "found " + classes.size() + " sub-folders and " + files.size() + " images");
    }
    int h = -1;
    int w = -1;
    byte[] pixels = null;
    for (int i = 0; i < files.size(); i++) {
      BufferedImage img = load(files.get(i));
      if (h < 0) {
        h = img.getHeight();
        w = img.getWidth();
        pixels = new byte[files.size() * h * w];
      } else if (img.getHeight() != h || img.getWidth() != w) {
        throw new SettingsException(files.get(i) + ": expected an image of " + w + "×" + h + " (the size of "
            + files.get(0) + "), got " + img.getWidth() + "×" + img.getHeight());
      }
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int rgb = img.getRGB(x, y);
          double luma = 0.299 * ((rgb >> 16) & 0xFF) + 0.587 * ((rgb >> 8) & 0xFF) + 0.114 * (rgb & 0xFF);
          pixels[(i * h + y) * w + x] = (byte) Math.round(luma);
        }
      }
    }
    return new ImageSet(files.size(), h, w, pixels, labels.stream().mapToInt(Integer::intValue).toArray(), classes);
  }

  private static boolean isImage(Path f) {
    String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(f) && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
  }

  private static BufferedImage load(Path f) {
    BufferedImage img;
    try {
      img = ImageIO.read(f.toFile());
    } catch (IOException | RuntimeException e) {
      throw new SettingsException(f + ": expected a readable PNG or JPEG image (" + e.getMessage() + ")");
    }
    if (img == null) {
      throw new SettingsException(f + ": expected a readable PNG or JPEG image (ImageIO found no decoder for it)");
    }
    return img;
  }
}
