package org.anisoscope.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON the tokenizer files need, written and read by hand so the module stays free of a JSON
 * library: objects, arrays, strings, integers, booleans. Strings are written as UTF-8 with every control
 * character and every surrogate escaped as {@code \\uXXXX}, so a vocabulary holding a lone surrogate still
 * round-trips (a raw lone surrogate cannot be written as UTF-8).
 */
final class Json {
  private Json() {}

  /** Appends {@code s} as a quoted, escaped JSON string. */
  static StringBuilder quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7F || Character.isSurrogate(c) || c == '\u2028' || c == '\u2029') {
            out.append(String.format(java.util.Locale.ROOT, "\\u%04X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }

  static String quote(String s) {
    return quote(new StringBuilder(), s).toString();
  }

  /** Writes {@code text} through a temporary sibling and a rename, so a crash never leaves half a file. */
  static void writeAtomically(Path file, String text) throws IOException {
    Path abs = file.toAbsolutePath();
    if (abs.getParent() != null) {
      Files.createDirectories(abs.getParent());
    }
    Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.AtomicMoveNotSupportedException e) {
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Reads {@code file} as one JSON object; every error is one line naming the file. */
  static Map<String, Object> readObject(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file + ": no such tokenizer file");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException(file + ": not UTF-8, so not a tokenizer file", e);
    }
    Object parsed;
    try {
      parsed = new Parser(text).parseDocument();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": not a tokenizer JSON file (" + e.getMessage() + ")", e);
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(file + ": expected a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> obj = (Map<String, Object>) map;
    return obj;
  }

  /**
   * {@link #readObject}, checking that the {@code "tokenizer"} field is {@code expected} and the format is 1.
   */
  static Map<String, Object> readTokenizerFile(Path file, String expected) throws IOException {
    Map<String, Object> obj = readObject(file);
    Object name = obj.get("tokenizer");
    if (!expected.equals(name)) {
      throw new IllegalArgumentException(
          file + ": field \"tokenizer\" is " + (name == null ? "missing" : quote(name.toString()))
              + ", expected " + quote(expected));
    }
    Object format = obj.get("format");
    if (!(format instanceof Long f) || f != 1L) {
      throw new IllegalArgumentException(file + ": unsupported \"format\" " + format + ", expected 1");
    }
    return obj;
  }

  /** Parses one JSON value covering the whole of {@code text}. */
  static Object parse(String text) {
    return new Parser(text).parseDocument();
  }

  /** {@code obj.get(key)} as a list, or a one-line error naming the key and the file. */
  static List<?> list(Map<String, Object> obj, String key, Path file) {
    Object v = obj.get(key);
    if (!(v instanceof List<?> l)) {
      throw new IllegalArgumentException(file + ": field \"" + key + "\" must be an array");
    }
    return l;
  }

  /** {@code obj.get(key)} as a boolean, or a one-line error naming the key and the file. */
  static boolean bool(Map<String, Object> obj, String key, Path file) {
    Object v = obj.get(key);
    if (!(v instanceof Boolean b)) {
      throw new IllegalArgumentException(file + ": field \"" + key + "\" must be true or false");
    }
    return b;
  }

  /** A recursive-descent parser; numbers are integers only (all the tokenizer files hold). */
  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    Object parseDocument() {
      Object v = value();
      skipSpace();
      if (pos != s.length()) {
        throw error("trailing characters");
      }
      return v;
    }

    private Object value() {
      skipSpace();
      if (pos >= s.length()) {
        throw error("unexpected end");
      }
      char c = s.charAt(pos);
      return switch (c) {
        case '{' -> object();
        case '[' -> array();
        case '"' -> string();
        case 't' -> literal("true", Boolean.TRUE);
        case 'f' -> literal("false", Boolean.FALSE);
        case 'n' -> literal("null", null);
        default -> number();
      };
    }

    private Map<String, Object> object() {
      Map<String, Object> m = new LinkedHashMap<>();
      pos++; // '{'
      skipSpace();
      if (peek() == '}') {
        pos++;
        return m;
      }
      while (true) {
        skipSpace();
        if (peek() != '"') {
          throw error("expected a string key");
        }
        String key = string();
        skipSpace();
        expect(':');
        m.put(key, value());
        skipSpace();
        char c = next();
        if (c == '}') {
          return m;
        }
        if (c != ',') {
          throw error("expected ',' or '}'");
        }
      }
    }

    private List<Object> array() {
      List<Object> l = new ArrayList<>();
      pos++; // '['
      skipSpace();
      if (peek() == ']') {
        pos++;
        return l;
      }
      while (true) {
        l.add(value());
        skipSpace();
        char c = next();
        if (c == ']') {
          return l;
        }
        if (c != ',') {
          throw error("expected ',' or ']'");
        }
      }
    }

    private String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          return b.toString();
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        char e = next();
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw error("short \\u escape");
            }
            try {
              b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            } catch (NumberFormatException ex) {
              throw error("bad \\u escape");
            }
            pos += 4;
          }
          default -> throw error("bad escape \\" + e);
        }
      }
    }

    private Long number() {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        pos++;
      }
      if (start == pos || (pos == start + 1 && s.charAt(start) == '-')) {
        throw error("unexpected character");
      }
      try {
        return Long.parseLong(s.substring(start, pos));
      } catch (NumberFormatException e) {
        throw error("bad integer");
      }
    }

    private Object literal(String word, Object v) {
      if (!s.startsWith(word, pos)) {
        throw error("unexpected character");
      }
      pos += word.length();
      return v;
    }

    private void skipSpace() {
      while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
        pos++;
      }
    }

    private char peek() {
      return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private char next() {
      if (pos >= s.length()) {
        throw error("unexpected end");
      }
      return s.charAt(pos++);
    }

    private void expect(char c) {
      if (next() != c) {
        pos--;
        throw error("expected '" + c + "'");
      }
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException(what + " at character " + pos);
    }
  }
}
