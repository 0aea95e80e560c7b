package org.anisoscope.reports;

import org.anisoscope.files.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * A minimal self-contained HTML page (inline CSS, images as {@code data:} URIs, no external resource), built
 * top to bottom; text passed in is escaped unless the method says it takes HTML.
 */
final class HtmlPage {
  private static final String CSS = """
      body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
             max-width: 880px; margin: 2em auto; padding: 0 1em; }
      h1 { font-size: 1.6em; margin-bottom: 0.2em; word-break: break-all; }
      h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
      .meta { color: #666; font-size: 0.9em; margin-top: 0; }
      .note { background: #fff8e1; border-left: 4px solid #f0b400; padding: 0.4em 0.8em; margin: 0.6em 0; }
      figure { margin: 1em 0; }
      figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
      figcaption { color: #555; font-size: 0.9em; }
      table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
      th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; overflow-wrap: break-word; }
      th { background: #f5f5f5; white-space: nowrap; }
      td:first-child { white-space: nowrap; }
      td.num { text-align: right; font-variant-numeric: tabular-nums; font-family: ui-monospace, Menlo, Consolas, monospace; }
      code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.9em; }
      pre { background: #f7f7f7; padding: 0.8em; overflow: auto; max-height: 32em; }
      details { margin: 0.5em 0; }
      summary { cursor: pointer; }
      .swatch { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.4em; vertical-align: -0.1em;
                border-radius: 2px; }
      """;

  private final StringBuilder b = new StringBuilder(1 << 16);

  HtmlPage(String title) {
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(Fmt.html(title)).append("</title>\n<style>\n").append(CSS).append("</style>\n")
        .append("</head>\n<body>\n<h1>").append(Fmt.html(title)).append("</h1>\n")
        .append("<p class=\"meta\">generated ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
        .append(" by anisoscope reports</p>\n");
  }

  HtmlPage h2(String text) {
    b.append("<h2>").append(Fmt.html(text)).append("</h2>\n");
    return this;
  }

  HtmlPage paragraph(String text) {
    b.append("<p>").append(Fmt.html(text)).append("</p>\n");
    return this;
  }

  /** A highlighted remark: what is missing, why a plot was skipped. */
  HtmlPage note(String text) {
    b.append("<p class=\"note\">").append(Fmt.html(text)).append("</p>\n");
    return this;
  }

  HtmlPage figure(byte[] png, String alt, String caption) {
    b.append("<figure><img src=\"").append(Plots.dataUri(png)).append("\" alt=\"").append(Fmt.html(alt))
        .append("\">\n<figcaption>").append(Fmt.html(caption)).append("</figcaption></figure>\n");
    return this;
  }

  /** A collapsed block showing {@code text} verbatim. */
  HtmlPage details(String summary, String text) {
    b.append("<details><summary>").append(Fmt.html(summary)).append("</summary>\n<pre>").append(Fmt.html(text))
        .append("</pre></details>\n");
    return this;
  }

  /** A two-column key/value table. */
  HtmlPage keyValues(Map<String, String> rows) {
    b.append("<table>\n");
    rows.forEach((k, v) -> b.append("<tr><th>").append(Fmt.html(k)).append("</th><td>").append(Fmt.html(v))
        .append("</td></tr>\n"));
    b.append("</table>\n");
    return this;
  }

  /** A table; cells are {@link Cell}s so numbers can be right-aligned and carry their exact value. */
  HtmlPage table(List<String> header, List<List<Cell>> rows) {
    b.append("<table>\n<tr>");
    header.forEach(h -> b.append("<th>").append(Fmt.html(h)).append("</th>"));
    b.append("</tr>\n");
    for (List<Cell> row : rows) {
      b.append("<tr>");
      for (Cell c : row) {
        if (c.colour != null) {
          b.append("<td><span class=\"swatch\" style=\"background:").append(c.colour).append("\"></span>")
              .append(Fmt.html(c.text)).append("</td>");
        } else if (c.exact == null) {
          b.append("<td>").append(Fmt.html(c.text)).append("</td>");
        } else {
          b.append("<td class=\"num\" title=\"").append(Fmt.html(c.exact)).append("\">").append(Fmt.html(c.text))
              .append("</td>");
        }
      }
      b.append("</tr>\n");
    }
    b.append("</table>\n");
    return this;
  }

  String html() {
    return b + "</body>\n</html>\n";
  }

  /** One table cell: text, or a number shown rounded with its exact value as tooltip. */
  record Cell(String text, String exact, String colour) {
    static Cell text(String text) {
      return new Cell(text, null, null);
    }

    static Cell number(double v) {
      return new Cell(Fmt.num(v), Double.toString(v), null);
    }

    static Cell missing() {
      return new Cell("–", null, null);
    }

    /** {@code text} after a square of {@code colour}: a run's colour key. */
    static Cell swatch(java.awt.Color colour, String text) {
      return new Cell(text, null, String.format(java.util.Locale.ROOT, "#%06x", colour.getRGB() & 0xFFFFFF));
    }
  }

  /**
   * Writes {@code text} to {@code target} atomically ({@link AtomicFiles}), so a reader never sees half a report.
   * Creates the parent directory; touches nothing else. A failure to write (a full disk, an unwritable directory)
   * is an {@link UncheckedIOException} around the {@link org.anisoscope.files.OutputException} naming the path.
   */
  static void writeAtomically(Path target, String text) {
    try {
      AtomicFiles.writeString(target, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }
}
