// A receiver for recording notifications: verifies each POST, drops
// duplicates, answers 200 with a JSON body. Run it from this folder once
// `mvn package` has built the verifier:
//
//   LIVE_CALLBACK_KEY=0123456789abcdef0123456789abcdef \
//     java -cp target/classes examples/Receiver.java 127.0.0.1:8080
//
// LIVE_CALLBACK_KEY is the config's key (new,old while rotating), read from
// the environment only; LIVE_CALLBACK_SIGN_TYPE is HMACSHA256 (default) or MD5.

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import liverecordcallbacks.verify.NotificationException;
import liverecordcallbacks.verify.Verifier;

public class Receiver {
  public static void main(String[] args) throws IOException {
    String signType = System.getenv().getOrDefault("LIVE_CALLBACK_SIGN_TYPE", "HMACSHA256");
    String keys = System.getenv().getOrDefault("LIVE_CALLBACK_KEY", "");
    Verifier verifier =
        new Verifier(signType, Arrays.stream(keys.split(",")).map(String::trim).filter(k -> !k.isEmpty()).toList());
    Set<Verifier.DedupeKey> seen = ConcurrentHashMap.newKeySet(); // a real receiver keeps a bounded or persistent store

    String listen = args.length > 0 ? args[0] : "127.0.0.1:8080";
    int colon = listen.lastIndexOf(':');
    HttpServer server =
        HttpServer.create(new InetSocketAddress(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1))), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readNBytes(verifier.maxBody() + 1);
          try {
            Map<String, Object> n = verifier.verify(body);
            String status =
                Verifier.dedupeKey(n).map(key -> seen.add(key) ? "ok" : "duplicate").orElse("ignored");
            System.err.println("receiver: " + status + " " + n.get("event_type") + " " + n.get("stream"));
            answer(exchange, 200, "{\"status\":\"" + status + "\"}");
          } catch (NotificationException e) {
            // The reason is one of a fixed set of names: no escaping needed.
            answer(exchange, e.status(), "{\"error\":\"" + e.reason() + "\"}");
          }
        });
    server.start();
    System.err.println("receiver: listening on http://" + listen.substring(0, colon) + ":" + server.getAddress().getPort());
  }

  static void answer(HttpExchange exchange, int code, String json) throws IOException {
    byte[] data = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, data.length);
    exchange.getResponseBody().write(data);
    exchange.close();
  }
}
