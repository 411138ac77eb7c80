package liverecordcallbacks.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small JSON reader: what a notification body may hold, and what JSON forbids. */
class JsonTest {
  @Test
  void readsJson() {
    assertEquals(
        Map.of("a", List.of(1L, -2L, new BigDecimal("1.5e3"), true, false), "b", Map.of()),
        Json.parse(" {\"a\": [1, -2, 1.5e3, true, false], \"b\": {}} "));
    assertEquals(Arrays.asList((Object) null), Json.parse("[null]"));
    assertEquals("\"\\/\b\f\n\r\t é 😀", Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00\""));
    assertEquals(new BigDecimal("99999999999999999999"), Json.parse("99999999999999999999"));
  }

  @Test
  void refusesWhatIsNotJson() {
    for (String bad :
        List.of("", "{", "{\"a\" 1}", "[1,]", "01", "1.", "-", "\"a", "\"\\x\"", "\"\t\"", "{} x", "NaN", "{a: 1}")) {
      assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
    }
    String deep = "[".repeat(30000) + "]".repeat(30000);
    assertThrows(IllegalArgumentException.class, () -> Json.parse(deep));
    String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
    assertEquals(List.class.isInstance(Json.parse(ok)), true);
  }
}
