package org.anisoscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every page as a browser would load it: each {@code <img>} the HTML references (an embedded {@code data:} PNG or a
 * file beside the page) exists, is non-empty and decodes to a picture with something drawn on it, and each figure
 * has a caption. Run on a full report and on a comparison of runs of different depth, modality and origin (a
 * DL4J-control-like run directory holding only CSV files).
 */
class ReportPagesTest {
  private static final Pattern IMG = Pattern.compile("<img\\b[^>]*\\bsrc=\"([^\"]*)\"");
  private static final Pattern FIGURE = Pattern.compile("(?s)<figure>(.*?)</figure>");

  @TempDir
  Path tmp;

  /** Checks every image of {@code page}; returns how many there are. */
  static int checkImages(Path page) throws Exception {
    String html = Files.readString(page);
    Matcher m = IMG.matcher(html);
    int n = 0;
    while (m.find()) {
      n++;
      String src = m.group(1);
      byte[] bytes;
      if (src.startsWith("data:")) {
        assertTrue(src.startsWith("data:image/png;base64,"), page + ": image " + n + " is not a PNG data URI");
        bytes = Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1));
      } else {
        Path file = page.getParent().resolve(src);
        assertTrue(Files.isRegularFile(file), page + ": image " + n + " refers to a missing file " + src);
        bytes = Files.readAllBytes(file);
      }
      assertTrue(bytes.length > 0, page + ": image " + n + " is empty");
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
      assertNotNull(img, page + ": image " + n + " does not decode");
      assertTrue(img.getWidth() >= 100 && img.getHeight() >= 100, page + ": image " + n + " is tiny");
      assertTrue(inkShare(img) > 0.01, page + ": image " + n + " is (almost) blank");
    }
    Matcher f = FIGURE.matcher(html);
    while (f.find()) {
      Matcher cap = Pattern.compile("(?s)<figcaption>(.+?)</figcaption>").matcher(f.group(1));
      assertTrue(cap.find() && cap.group(1).strip().length() > 20, page + ": a figure without a caption");
    }
    return n;
  }

  /** The share of pixels that are not (near) white. */
  static double inkShare(BufferedImage img) {
    long ink = 0;
    long all = 0;
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        int rgb = img.getRGB(x, y);
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        if (r < 235 || g < 235 || b < 235) {
          ink++;
        }
        all++;
      }
    }
    return ink / (double) all;
  }

  /** A run of another modality: no token-frequency groups, classes as cone labels. */
  static Path imageRun(Path dir) throws Exception {
    SyntheticRun s = new SyntheticRun(dir).layers(3).cone(true).cosOffset(0.1);
    s.write();
    Files.writeString(dir.resolve("config.conf"), """
        anisoscope {
        data {
            modality=image
        }
        model {
            d-model=32
            layers=3
        }
        objective {
            type=classification
        }
        }
        """);
    List<String> kept = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("probes.csv"))) {
      if (!line.contains("cos_mean_freq_q")) {
        kept.add(line);
      }
    }
    Files.write(dir.resolve("probes.csv"), kept);
    try (var files = Files.walk(dir.resolve("probes"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".labels.json")).toList()) {
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < SyntheticRun.CONE_ROWS; i++) {
          ids.append(i == 0 ? "" : ", ").append(i % 3);
        }
        Files.writeString(p, "{\"kind\": \"class\", \"ordered\": false, \"names\": [\"cat\", \"dog\", \"ship\"], "
            + "\"labels\": [" + ids + "]}");
      }
    }
    return dir;
  }

  /** A run directory as another code base (the DL4J controls) writes it: probes.csv and train.csv only. */
  static Path csvOnlyRun(Path dir) throws Exception {
    Path full = new SyntheticRun(dir).layers(6).perHead(false).cosOffset(-0.01).write();
    for (String f : List.of("config.conf", "provenance.json", "eval.csv")) {
      Files.delete(full.resolve(f));
    }
    return full;
  }

  @Test
  void everyReferencedImageOfAReportExistsAndShowsSomething() throws Exception {
    Path run = new SyntheticRun(tmp.resolve("text-run")).cone(true).write();
    assertEquals(12, checkImages(RunReport.write(run)));
    assertTrue(checkImages(RunReport.write(imageRun(tmp.resolve("image-run")))) >= 10);
    assertTrue(checkImages(RunReport.write(csvOnlyRun(tmp.resolve("dl4j-control")))) >= 5);
    String image = Files.readString(tmp.resolve("image-run/report/index.html"));
    assertTrue(image.contains("Colour: class.") && image.contains("No token-frequency groups"));
  }

  @Test
  void everyReferencedImageOfAComparisonExistsAndShowsSomething() throws Exception {
    List<Path> runs = List.of(new SyntheticRun(tmp.resolve("char-lm")).write(),
        new SyntheticRun(tmp.resolve("char-mlm")).layers(4).cosOffset(0.2).write(),
        imageRun(tmp.resolve("image-run")), csvOnlyRun(tmp.resolve("dl4j-control")));
    Path out = tmp.resolve("cmp");
    CompareReport.write(out, runs);
    assertEquals(4, checkImages(out.resolve(CompareReport.INDEX)));
    String html = Files.readString(out.resolve(CompareReport.INDEX));
    assertTrue(html.contains("<td>image</td>") && html.contains("<td>classification</td>"), "modality and objective");
    for (String name : List.of("char-lm", "char-mlm", "image-run", "dl4j-control")) {
      assertTrue(html.contains("</span>" + name + "</td>"), name);
    }
  }
}
