package org.anisoscope.text;

import com.google.common.base.Strings;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import org.anisoscope.files.AtomicFiles;
import org.anisoscope.files.BadInputException;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tokenizer files' JSON, parsed by Gson (strict: RFC 8259, no trailing text, nesting bounded) into plain Java
 * values (objects as maps, arrays as lists, integers as {@code Long}, other numbers as {@code Double}). Strings
 * are quoted by Gson, then every surrogate is escaped as {@code \\uXXXX}, so a vocabulary holding a lone surrogate
 * still round-trips (a raw lone surrogate cannot be written as UTF-8). Every error reading a file is a
 * {@link BadInputException} whose one line names the file.
 */
final class Json {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private Json() {}

  /** Appends {@code s} as a quoted, escaped JSON string. */
  static StringBuilder quote(StringBuilder out, String s) {
    String q = GSON.toJson(s);
    for (int i = 0; i < q.length(); i++) {
      char c = q.charAt(i);
      if (Character.isSurrogate(c)) {
        out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
      } else {
        out.append(c);
      }
    }
    return out;
  }

  static String quote(String s) {
    return quote(new StringBuilder(), s).toString();
  }

  /** Writes {@code text} atomically ({@link AtomicFiles}). */
  static void writeAtomically(Path file, String text) throws IOException {
    AtomicFiles.writeString(file, text);
  }

  /** A one-line {@link BadInputException} unless {@code ok}; {@code template} uses {@code %s} like Guava's. */
  static void check(boolean ok, String template, Object... args) {
    if (!ok) {
      throw new BadInputException(Strings.lenientFormat(template, args));
    }
  }

  /** Reads {@code file} as one JSON object. */
  static Map<String, Object> readObject(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new BadInputException(file + ": no such tokenizer file");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new BadInputException(file + ": not UTF-8, so not a tokenizer file", e);
    }
    Object parsed;
    try {
      parsed = parse(text);
    } catch (BadInputException e) {
      throw new BadInputException(file + ": not a tokenizer JSON file (" + e.getMessage() + ")", e);
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new BadInputException(file + ": expected a JSON object");
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
    check(expected.equals(name), "%s: field \"tokenizer\" is %s, expected %s", file,
        name == null ? "missing" : quote(name.toString()), quote(expected));
    Object format = obj.get("format");
    check(format instanceof Long f && f == 1L, "%s: unsupported \"format\" %s, expected 1", file, format);
    return obj;
  }

  /** Parses one JSON value covering the whole of {@code text}. */
  static Object parse(String text) {
    try {
      JsonReader reader = new JsonReader(new StringReader(text));
      reader.setStrictness(Strictness.STRICT);
      JsonElement e = JsonParser.parseReader(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new BadInputException("trailing characters after the JSON value");
      }
      return plain(e);
    } catch (JsonParseException | IOException | IllegalStateException e) {
      // Gson reports malformed text as JsonParseException (IOException/IllegalStateException from the reader)
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new BadInputException(m.replaceAll("\\s*See https?://\\S+", "").lines().findFirst().orElse(m));
    }
  }

  /** Gson's tree as maps, lists, strings, booleans, Long (integers) and Double. */
  private static Object plain(JsonElement e) {
    if (e.isJsonNull()) {
      return null;
    }
    if (e instanceof JsonObject o) {
      Map<String, Object> m = new LinkedHashMap<>();
      o.entrySet().forEach(x -> m.put(x.getKey(), plain(x.getValue())));
      return m;
    }
    if (e instanceof JsonArray a) {
      List<Object> l = new ArrayList<>(a.size());
      a.forEach(x -> l.add(plain(x)));
      return l;
    }
    JsonPrimitive p = (JsonPrimitive) e;
    if (p.isBoolean()) {
      return p.getAsBoolean();
    }
    if (p.isString()) {
      return p.getAsString();
    }
    BigDecimal d = p.getAsBigDecimal();
    try {
      return d.longValueExact(); // an integer that fits
    } catch (ArithmeticException notALong) {
      return d.doubleValue();
    }
  }

  /** {@code obj.get(key)} as a list, or a one-line error naming the key and the file. */
  static List<?> list(Map<String, Object> obj, String key, Path file) {
    Object v = obj.get(key);
    check(v instanceof List<?>, "%s: field \"%s\" must be an array", file, key);
    return (List<?>) v;
  }

  /** {@code obj.get(key)} as a boolean, or a one-line error naming the key and the file. */
  static boolean bool(Map<String, Object> obj, String key, Path file) {
    Object v = obj.get(key);
    check(v instanceof Boolean, "%s: field \"%s\" must be true or false", file, key);
    return (Boolean) v;
  }
}
