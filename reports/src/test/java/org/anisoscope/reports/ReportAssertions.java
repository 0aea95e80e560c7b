package org.anisoscope.reports;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

/** Checks shared by the report tests: embedded PNGs, self-containedness. */
final class ReportAssertions {
  private static final Pattern PNG = Pattern.compile("data:image/png;base64,([A-Za-z0-9+/=]+)\"");

  private ReportAssertions() {}

  /** Decodes every embedded PNG, asserting each is a non-empty image with something drawn on it. */
  static List<BufferedImage> embeddedImages(String html) throws Exception {
    List<BufferedImage> images = new ArrayList<>();
    Matcher m = PNG.matcher(html);
    while (m.find()) {
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
      assertNotNull(img, "embedded PNG #" + (images.size() + 1) + " does not decode");
      assertTrue(img.getWidth() > 0 && img.getHeight() > 0);
      assertTrue(hasTwoColours(img), "embedded PNG #" + (images.size() + 1) + " is blank");
      images.add(img);
    }
    assertTrue(images.size() == count(html, "data:image/png;base64,"), "every data URI is a well-formed PNG");
    return images;
  }

  static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  /** Valid-looking, self-contained HTML: a doctype, closed document, no external resource, no script. */
  static void assertSelfContainedHtml(String html) {
    assertTrue(html.startsWith("<!DOCTYPE html>"), "doctype");
    assertTrue(html.strip().endsWith("</html>"), "closed document");
    assertTrue(html.contains("<meta charset=\"utf-8\">"), "charset");
    assertTrue(count(html, "<body>") == 1 && count(html, "</body>") == 1, "one body");
    assertTrue(count(html, "<table") == count(html, "</table>"), "tables closed");
    assertTrue(count(html, "<details") == count(html, "</details>"), "details closed");
    for (String external : List.of("http://", "https://", "<script", "<link", "src=\"/", "src=\"file:")) {
      assertTrue(!html.contains(external), "external resource or script: " + external);
    }
  }

  private static boolean hasTwoColours(BufferedImage img) {
    int first = img.getRGB(0, 0);
    for (int y = 0; y < img.getHeight(); y += 3) {
      for (int x = 0; x < img.getWidth(); x += 3) {
        if (img.getRGB(x, y) != first) {
          return true;
        }
      }
    }
    return false;
  }
}
