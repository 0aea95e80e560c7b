package org.anisoscope.reports;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A report and a comparison as a person sees them: rendered by headless Chromium (Debian's {@code chromium}) to a
 * screenshot that must not be blank. Skipped, saying why, when no Chromium is installed
 * ({@code apt-get install -y chromium}). The screenshots are left in {@code target/browser-shots/} to look at.
 */
@Tag("slow")
class BrowserRenderTest {
  @TempDir
  Path tmp;

  static Optional<Path> chromium() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  private BufferedImage screenshot(Path browser, Path page, Path png) throws Exception {
    Path profile = Files.createTempDirectory(tmp, "profile");   // a fresh profile every time
    List<String> cmd = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile, "--hide-scrollbars", "--window-size=1000,2600",
        "--screenshot=" + png.toAbsolutePath(), page.toUri().toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("chromium.log").toFile())
        .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish within 120 s: " + cmd);
    }
    assertTrue(Files.isRegularFile(png) && Files.size(png) > 0, "no screenshot; chromium said: "
        + Files.readString(tmp.resolve("chromium.log")));
    BufferedImage img = ImageIO.read(png.toFile());
    assertNotNull(img, png + " does not decode");
    return img;
  }

  @Test
  void reportAndComparisonRenderInChromium() throws Exception {
    Optional<Path> browser = chromium();
    assumeTrue(browser.isPresent(), "no chromium on PATH (apt-get install -y chromium): browser rendering not checked");
    Path shots = Path.of("target", "browser-shots");
    Files.createDirectories(shots);

    Path run = new SyntheticRun(tmp.resolve("text-run")).cone(true).write();
    BufferedImage report = screenshot(browser.get(), RunReport.write(run), shots.resolve("report.png"));
    Path out = tmp.resolve("cmp");
    CompareReport.write(out, List.of(run, new SyntheticRun(tmp.resolve("deeper")).layers(4).cosOffset(0.2).write(),
        ReportPagesTest.imageRun(tmp.resolve("image-run"))));
    BufferedImage compare = screenshot(browser.get(), out.resolve(CompareReport.INDEX), shots.resolve("compare.png"));

    for (BufferedImage img : List.of(report, compare)) {
      assertTrue(img.getWidth() >= 900 && img.getHeight() >= 2000, img.getWidth() + "×" + img.getHeight());
      // text, tables and charts cover a good part of the page; a blank or error page would not
      double ink = ReportPagesTest.inkShare(img);
      assertTrue(ink > 0.05, "screenshot nearly blank: " + ink);
      assertTrue(colours(img) > 50, "screenshot has almost no colours: a chart did not render");
    }
  }

  private static int colours(BufferedImage img) {
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 3) {
      for (int x = 0; x < img.getWidth(); x += 3) {
        seen.add(img.getRGB(x, y) & 0xF0F0F0);
      }
    }
    return seen.size();
  }
}
