package lrc.ci;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The notifications a receiver must read, as in
 * .ci/tools/clients/notifications.py: the example of every schema the
 * callbacks' body is made of (by title), from the dereferenced rendition
 * in $LIVE_DOCUMENT, plus "unknown event_type" (a completed file under a
 * name the document does not list, with a field nobody knows) and
 * "RECORD_START without file_size". {@link #known} maps each listed
 * event_type to its schema's title.
 */
final class Notifications {
  final Map<String, String> bodies = new TreeMap<>();
  final Map<String, String> known = new TreeMap<>();

  Notifications() throws IOException {
    JsonObject doc = JsonParser.parseString(Files.readString(Path.of(System.getenv("LIVE_DOCUMENT"))))
        .getAsJsonObject();
    Map<String, JsonObject> byEvent = new TreeMap<>();
    for (Map.Entry<String, JsonElement> item : doc.getAsJsonObject("paths").entrySet()) {
      for (Map.Entry<String, JsonElement> op : item.getValue().getAsJsonObject().entrySet()) {
        if (!op.getValue().isJsonObject() || !op.getValue().getAsJsonObject().has("callbacks")) continue;
        for (JsonElement cb : op.getValue().getAsJsonObject().getAsJsonObject("callbacks").asMap().values()) {
          for (JsonElement cbItem : cb.getAsJsonObject().asMap().values()) {
            for (JsonElement cbOp : cbItem.getAsJsonObject().asMap().values()) {
              JsonObject content = cbOp.getAsJsonObject().getAsJsonObject("requestBody").getAsJsonObject("content");
              walk(content.getAsJsonObject("application/json").getAsJsonObject("schema"), byEvent);
            }
          }
        }
      }
    }
    if (known.isEmpty()) throw new AssertionError("no known events in LIVE_DOCUMENT");
    for (String event : known.keySet()) {
      if (!byEvent.containsKey(event)) throw new AssertionError("no example of the known event " + event);
    }
    JsonObject unknown = byEvent.get("RECORD_FILE_COMPLETE").deepCopy();
    unknown.addProperty("event_type", "RECORD_SNAPSHOT_READY");
    unknown.addProperty("snapshot_url", "https://play.example.com/live/mystream.jpg");
    JsonObject start = byEvent.get("RECORD_START").deepCopy();
    start.remove("file_size");
    start.remove("record_duration");
    bodies.put("unknown event_type", unknown.toString());
    bodies.put("RECORD_START without file_size", start.toString());
  }

  private void walk(JsonObject s, Map<String, JsonObject> byEvent) {
    JsonObject props = s.getAsJsonObject("properties");
    if (props != null && props.has("event_type") && props.getAsJsonObject("event_type").has("enum")) {
      var values = props.getAsJsonObject("event_type").getAsJsonArray("enum");
      if (values.size() == 1) known.put(values.get(0).getAsString(), s.get("title").getAsString());
    }
    if (s.has("example") && s.get("example").isJsonObject() && s.getAsJsonObject("example").has("event_type")) {
      JsonObject example = s.getAsJsonObject("example");
      bodies.put(s.get("title").getAsString(), example.toString());
      byEvent.put(example.get("event_type").getAsString(), example);
    }
    for (String key : new String[] {"oneOf", "anyOf", "allOf"}) {
      if (s.has(key)) s.getAsJsonArray(key).forEach(m -> walk(m.getAsJsonObject(), byEvent));
    }
  }

  static String eventType(String body) {
    return JsonParser.parseString(body).getAsJsonObject().get("event_type").getAsString();
  }
}
