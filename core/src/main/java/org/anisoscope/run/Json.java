package org.anisoscope.run;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Minimal JSON writer for provenance.json (objects, lists, strings, numbers, booleans, null). */
final class Json {
  private Json() {
  }

  static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    return sb.append('\n').toString();
  }

  private static void write(StringBuilder sb, Object v, int indent) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof Map<?, ?> m) {
      sb.append("{");
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(first ? "\n" : ",\n").append("  ".repeat(indent + 1));
        string(sb, e.getKey().toString());
        sb.append(": ");
        write(sb, e.getValue(), indent + 1);
        first = false;
      }
      sb.append(first ? "}" : "\n" + "  ".repeat(indent) + "}");
    } else if (v instanceof List<?> l) {
      sb.append("[");
      for (int i = 0; i < l.size(); i++) {
        sb.append(i == 0 ? "\n" : ",\n").append("  ".repeat(indent + 1));
        write(sb, l.get(i), indent + 1);
      }
      sb.append(l.isEmpty() ? "]" : "\n" + "  ".repeat(indent) + "]");
    } else if (v instanceof Number || v instanceof Boolean) {
      double d = v instanceof Number n ? n.doubleValue() : 0;
      sb.append(v instanceof Double && (Double.isNaN(d) || Double.isInfinite(d)) ? "null"
          : String.valueOf(v).toLowerCase(Locale.ROOT));
    } else {
      string(sb, v.toString());
    }
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
