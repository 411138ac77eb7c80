package liverecordcallbacks.verify;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON a notification needs read, since the JDK has no parser: objects as
 * maps, arrays as lists, strings, {@code Long} for integers that fit, {@code
 * BigDecimal} for other numbers, booleans and null.
 */
final class Json {
  /** How deep arrays and objects may nest (a deeper body would overflow the stack). */
  static final int MAX_DEPTH = 512;

  private final String s;
  private int i;
  private int depth;

  private Json(String s) {
    this.s = s;
  }

  /** Parses one JSON value filling the whole text. */
  static Object parse(String text) {
    Json p = new Json(text);
    Object v = p.value();
    p.space();
    if (p.i != text.length()) throw p.error("text after the value");
    return v;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(what + " at character " + i);
  }

  private void space() {
    while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) i++;
  }

  private boolean eat(char c) {
    space();
    if (i < s.length() && s.charAt(i) == c) {
      i++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!eat(c)) throw error("expected '" + c + "'");
  }

  private Object value() {
    space();
    if (i >= s.length()) throw error("unexpected end");
    char c = s.charAt(i);
    if ((c == '{' || c == '[') && ++depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
    Object v = container(c);
    if (c == '{' || c == '[') depth--;
    return v;
  }

  private Object container(char c) {
    if (c == '{') {
      i++;
      Map<String, Object> m = new LinkedHashMap<>();
      if (eat('}')) return m;
      do {
        space();
        if (i >= s.length() || s.charAt(i) != '"') throw error("expected a key");
        String k = string();
        expect(':');
        m.put(k, value());
      } while (eat(','));
      expect('}');
      return m;
    }
    if (c == '[') {
      i++;
      List<Object> l = new ArrayList<>();
      if (eat(']')) return l;
      do l.add(value());
      while (eat(','));
      expect(']');
      return l;
    }
    if (c == '"') return string();
    for (String word : new String[] {"true", "false", "null"}) {
      if (s.startsWith(word, i)) {
        i += word.length();
        return word.equals("null") ? null : Boolean.valueOf(word);
      }
    }
    return number();
  }

  private String string() {
    i++; // the opening quote
    StringBuilder b = new StringBuilder();
    while (true) {
      if (i >= s.length()) throw error("unterminated string");
      char c = s.charAt(i++);
      if (c == '"') return b.toString();
      if (c < 0x20) throw error("a control character in a string");
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (i >= s.length()) throw error("unterminated escape");
      char e = s.charAt(i++);
      switch (e) {
        case '"', '\\', '/' -> b.append(e);
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> {
          if (i + 4 > s.length()) throw error("a short \\u escape");
          try {
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
          } catch (NumberFormatException x) {
            throw error("a bad \\u escape");
          }
          i += 4;
        }
        default -> throw error("a bad escape");
      }
    }
  }

  private Object number() {
    int start = i;
    if (i < s.length() && s.charAt(i) == '-') i++;
    int digits = i;
    while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
    if (i == digits || (s.charAt(digits) == '0' && i - digits > 1)) throw error("a bad number");
    boolean integral = true;
    if (i < s.length() && s.charAt(i) == '.') {
      integral = false;
      i++;
      int f = i;
      while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
      if (i == f) throw error("a bad number");
    }
    if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      integral = false;
      i++;
      if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
      int x = i;
      while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
      if (i == x) throw error("a bad number");
    }
    String text = s.substring(start, i);
    if (integral) {
      try {
        return Long.valueOf(text);
      } catch (NumberFormatException tooBig) {
        // falls through to BigDecimal
      }
    }
    return new BigDecimal(text);
  }
}
