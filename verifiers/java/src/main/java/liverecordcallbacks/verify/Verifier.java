package liverecordcallbacks.verify;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the recording notifications Huawei Cloud Live POSTs to a config's
 * notify_callback_url, for one config: its sign_type and its key (during a
 * rotation, the new and the old key).
 *
 * <p>The rule is the contract's x-signing (openapi/live-record-callbacks.yaml);
 * this class is tested against the vectors generated from it
 * (openapi/published/notification-vectors.json). Verdicts and reason names are
 * the Rust crate's (ReceiveError::reason).
 */
public final class Verifier {
  /** Seconds the clock may be past auth_timestamp. */
  public static final long WINDOW = 300;
  /** Seconds auth_timestamp may be ahead of the clock (it may be an expiry time). */
  public static final long FUTURE_BOUND = 1200;
  /** The largest body read, in bytes. */
  public static final int MAX_BODY = 64 * 1024;
  /** The events the contract lists; another event_type is a newer event, to ignore. */
  public static final List<String> EVENTS =
      List.of("RECORD_START", "RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE", "RECORD_OVER", "RECORD_FAILED");
  /** What HMACSHA256 signs, in order, with nothing between (x-signing.HMACSHA256.message). */
  public static final List<String> HMAC_MESSAGE =
      List.of("auth_timestamp", "event_type", "publish_domain", "app", "stream", "download_url", "play_url");

  private static final Pattern SIGNATURE = Pattern.compile("[0-9a-fA-F]{32}|[0-9a-fA-F]{64}");

  /** (task_id, event_type, file): the same event sent twice has the same key. */
  public record DedupeKey(String taskId, String eventType, String file) {}

  private final String signType;
  private final List<byte[]> keys;
  private long window = WINDOW;
  private long futureBound = FUTURE_BOUND;
  private int maxBody = MAX_BODY;

  /** A verifier for sign_type HMACSHA256 or MD5 and one key or more. */
  public Verifier(String signType, List<String> keys) {
    if (!"HMACSHA256".equals(signType) && !"MD5".equals(signType)) {
      throw new IllegalArgumentException("signType: " + signType + " is neither HMACSHA256 nor MD5");
    }
    if (keys == null || keys.isEmpty()) {
      throw new IllegalArgumentException("keys: give one key or more (the config's key)");
    }
    this.signType = signType;
    this.keys = keys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
  }

  public Verifier window(long seconds) {
    window = seconds;
    return this;
  }

  public Verifier futureBound(long seconds) {
    futureBound = seconds;
    return this;
  }

  public Verifier maxBody(int bytes) {
    maxBody = bytes;
    return this;
  }

  public int maxBody() {
    return maxBody;
  }

  @Override
  public String toString() {
    return "Verifier(" + signType + ", <" + keys.size() + " key(s) redacted>)";
  }

  private static NotificationException fail(String reason, String message) {
    return new NotificationException(reason, message);
  }

  /**
   * Reads a body: a JSON object with a string event_type; signed fields are
   * strings, auth_timestamp an integer, auth_sign 32 or 64 hex digits.
   */
  public static Map<String, Object> parse(byte[] body, int maxBody) throws NotificationException {
    if (body.length > maxBody) {
      throw fail("too_large", "the body is " + body.length + " bytes, more than the " + maxBody + " allowed");
    }
    Object v;
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body))
              .toString();
      v = Json.parse(text);
    } catch (CharacterCodingException | IllegalArgumentException e) {
      throw fail("invalid", "the body is not JSON: " + e.getMessage());
    }
    if (!(v instanceof Map<?, ?>)) throw fail("invalid", "the body is not a JSON object");
    @SuppressWarnings("unchecked")
    Map<String, Object> n = (Map<String, Object>) v;
    if (!(n.get("event_type") instanceof String)) throw fail("invalid", "event_type: missing or not a string");
    for (String f : HMAC_MESSAGE.subList(1, HMAC_MESSAGE.size())) {
      if (n.get(f) != null && !(n.get(f) instanceof String)) throw fail("invalid", f + ": not a string");
    }
    if (n.get("auth_timestamp") != null && !(n.get("auth_timestamp") instanceof Long)) {
      throw fail("invalid", "auth_timestamp: not an integer");
    }
    Object sign = n.get("auth_sign");
    if (sign != null && !(sign instanceof String s && SIGNATURE.matcher(s).matches())) {
      throw fail("invalid", "auth_sign: not 32 or 64 hexadecimal digits");
    }
    return n;
  }

  private static String text(Map<String, Object> n, String field) {
    return n.get(field) instanceof String s ? s : "";
  }

  /** The key of a known event; empty for an event the contract does not list. */
  public static Optional<DedupeKey> dedupeKey(Map<String, Object> n) {
    String event = text(n, "event_type");
    if (!EVENTS.contains(event)) return Optional.empty();
    String file =
        switch (event) {
          case "RECORD_FILE_COMPLETE" -> text(n, "download_url");
          case "RECORD_NEW_FILE_START" -> text(n, "job_id");
          default -> "";
        };
    return Optional.of(new DedupeKey(text(n, "task_id"), event, file));
  }

  private byte[] digest(byte[] key, Map<String, Object> n, long ts) throws GeneralSecurityException {
    byte[] stamp = Long.toString(ts).getBytes(StandardCharsets.UTF_8);
    if (signType.equals("MD5")) {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update(key);
      return md5.digest(stamp);
    }
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    for (String f : HMAC_MESSAGE) {
      mac.update(f.equals("auth_timestamp") ? stamp : text(n, f).getBytes(StandardCharsets.UTF_8));
    }
    return mac.doFinal();
  }

  /** Parses and checks a body at {@code now} (Unix seconds). */
  public Map<String, Object> verify(byte[] body, long now) throws NotificationException {
    Map<String, Object> n = parse(body, maxBody);
    if (!(n.get("auth_sign") instanceof String sign)) throw fail("missing_signature", "the body has no auth_sign");
    if (!(n.get("auth_timestamp") instanceof Long ts)) {
      throw fail("missing_timestamp", "auth_sign without auth_timestamp");
    }
    int digits = signType.equals("MD5") ? 32 : 64;
    if (sign.length() != digits) {
      throw fail("malformed_signature", "auth_sign has " + sign.length() + " hex digits, " + signType + " has " + digits);
    }
    byte[] given = HexFormat.of().parseHex(sign);
    boolean matched = false;
    try {
      for (byte[] key : keys) matched |= MessageDigest.isEqual(digest(key, n, ts), given); // every key
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256 or MD5", e);
    }
    if (!matched) throw fail("mismatch", "auth_sign matches none of the " + keys.size() + " key(s)");
    long age = now - ts;
    if (age > window) throw fail("stale", "auth_timestamp is " + age + " s old (window " + window + " s)");
    if (-age > futureBound) {
      throw fail("future", "auth_timestamp is " + -age + " s ahead (bound " + futureBound + " s)");
    }
    return n;
  }

  /** Parses and checks a body against the system clock. */
  public Map<String, Object> verify(byte[] body) throws NotificationException {
    return verify(body, System.currentTimeMillis() / 1000);
  }
}
