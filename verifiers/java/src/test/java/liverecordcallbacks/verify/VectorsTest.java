package liverecordcallbacks.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** Every published signature vector gets the verdict, reason and dedupe key it expects. */
class VectorsTest {
  @SuppressWarnings("unchecked")
  static Map<String, Object> vectors() throws Exception {
    String path = System.getenv("LIVE_RECORD_CALLBACKS_VECTORS");
    Path file = path != null ? Path.of(path) : Path.of("../../openapi/published/notification-vectors.json");
    return (Map<String, Object>) Json.parse(Files.readString(file));
  }

  static long num(Object o) {
    return (Long) o;
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyVector() throws Exception {
    Map<String, Object> file = vectors();
    Map<String, Object> r = (Map<String, Object>) file.get("receiver");
    List<Map<String, Object>> cases = (List<Map<String, Object>>) file.get("cases");
    assertTrue(cases.size() >= 30);
    List<String> wrong = new ArrayList<>();
    for (Map<String, Object> c : cases) {
      byte[] body = ((String) c.get("body")).getBytes(StandardCharsets.UTF_8);
      List<String> keys = (List<String>) c.get("keys");
      Map<String, Object> expected = (Map<String, Object>) c.get("expected");
      Object want = expected.get("valid").equals(true) ? expected.get("dedupe_key") : expected.get("reason");
      Object got;
      try {
        Map<String, Object> n =
            keys.isEmpty()
                ? Verifier.parse(body, (int) num(r.get("max_body")))
                : new Verifier((String) c.get("sign_type"), keys)
                    .window(num(r.get("window")))
                    .futureBound(num(r.get("future_bound")))
                    .maxBody((int) num(r.get("max_body")))
                    .verify(body, num(c.get("now")));
        got =
            Verifier.dedupeKey(n)
                .map(
                    k -> {
                      Map<String, Object> m = new LinkedHashMap<>();
                      m.put("task_id", k.taskId());
                      m.put("event_type", k.eventType());
                      m.put("file", k.file());
                      return (Object) m;
                    })
                .orElse(null);
      } catch (NotificationException e) {
        for (String k : keys) assertFalse(e.getMessage().contains(k), c.get("name") + ": the error shows a key");
        got = e.reason();
      }
      if (!Objects.equals(want, got)) {
        wrong.add(c.get("name") + ": expected " + want + ", got " + got);
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  @SuppressWarnings("unchecked")
  void defaultsAreTheVectorsReceiver() throws Exception {
    Map<String, Object> r = (Map<String, Object>) vectors().get("receiver");
    assertEquals(List.of(Verifier.WINDOW, Verifier.FUTURE_BOUND, (long) Verifier.MAX_BODY),
        List.of(r.get("window"), r.get("future_bound"), r.get("max_body")));
  }

  @Test
  void theKeyStaysOutOfLogsAndErrors() {
    String key = "0123456789abcdef0123456789abcdef";
    assertFalse(new Verifier("HMACSHA256", List.of(key)).toString().contains(key));
    var e = assertThrows(IllegalArgumentException.class, () -> new Verifier("SHA1", List.of(key)));
    assertFalse(e.getMessage().contains(key));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Verifier("MD5", List.of())).getMessage().contains("keys"));
  }
}
