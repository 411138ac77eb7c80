package lrc.ci;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lrc.client.ApiClient;
import lrc.client.ApiException;
import lrc.client.ApiResponse;
import lrc.client.api.RecordingCallbacksApi;
import lrc.client.model.ErrorResponse;
import lrc.client.model.OtherRecordNotification;
import lrc.client.model.RecordCallbackConfig;
import lrc.client.model.RecordCallbackConfigList;
import lrc.client.model.RecordCallbackConfigRequest;
import lrc.client.model.RecordFileCompleteNotification;
import lrc.client.model.RecordNotification;
import lrc.client.model.RecordNotificationBody;
import lrc.client.model.RecordStartNotification;
import lrc.client.model.RequestedEvent;
import lrc.client.model.RequestedSignType;
import lrc.client.model.SignType;
import lrc.client.model.SubscribedEvent;

/**
 * The Java client openapi-generator's `java` generator writes with its
 * default library (okhttp-gson; packages lrc.client.*) against the
 * emulator: create, list, show, update with the config read back and sent
 * back, delete, two 400s with their error codes, 404 after delete, and the
 * notifications read into the generated types. With LIVE_AK and LIVE_SK
 * every call is signed by huaweicloud-sdk-core's signer (an OkHttp
 * interceptor, {@link AkSk}) and a wrong secret key must be refused.
 */
public final class OkHttpGson {
  static final String KEY = "0123456789abcdef0123456789abcdef";

  static void expect(boolean cond, String what) {
    if (!cond) throw new AssertionError(what);
  }

  static RecordingCallbacksApi api(String sk) {
    ApiClient client = new ApiClient().setBasePath(System.getenv("LIVE_ENDPOINT"));
    if (System.getenv("LIVE_AK") != null) {
      client.setHttpClient(client.getHttpClient().newBuilder()
          .addInterceptor(new AkSk(System.getenv("LIVE_AK"), sk, System.getenv("LIVE_PROJECT_ID"))).build());
    } else {
      client.setApiKey(System.getenv("LIVE_TOKEN"));
    }
    return new RecordingCallbacksApi(client);
  }

  /** A known event through the enum, any other name as the plain string. */
  static RequestedEvent event(String name) {
    try {
      return new RequestedEvent(SubscribedEvent.fromValue(name));
    } catch (IllegalArgumentException unlisted) {
      return new RequestedEvent(name);
    }
  }

  static ErrorResponse refused(int status, ThrowingRunnable call) throws Exception {
    try {
      call.run();
    } catch (ApiException e) {
      expect(e.getCode() == status, "status " + e.getCode() + ", want " + status + ": " + e.getResponseBody());
      return ErrorResponse.fromJson(e.getResponseBody());
    }
    throw new AssertionError("the call succeeded; want " + status);
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    String project = System.getenv("LIVE_PROJECT_ID");
    String app = System.getenv("LIVE_APP");
    RecordingCallbacksApi api = api(System.getenv("LIVE_SK"));
    RecordCallbackConfigRequest body = new RecordCallbackConfigRequest()
        .publishDomain("push.example.com").app(app)
        .notifyCallbackUrl("https://hooks.example.com/live/record")
        .notifyEventSubscription(new ArrayList<>(List.of(event("RECORD_FILE_COMPLETE"), event("RECORD_FAILED"))))
        .signType(new RequestedSignType(SignType.HMACSHA256))
        .key(KEY);

    ApiResponse<RecordCallbackConfig> created = api.createRecordCallbackConfigWithHttpInfo(project, body);
    expect(created.getStatusCode() == 201, "create: status " + created.getStatusCode());
    expect(created.getHeaders().entrySet().stream()
        .anyMatch(h -> h.getKey().equalsIgnoreCase("X-Request-Id") && !h.getValue().isEmpty()), "create: no X-Request-Id");
    RecordCallbackConfig cfg = created.getData();
    expect(app.equals(cfg.getApp()) && "HMACSHA256".equals(cfg.getSignType()), "create: " + cfg);
    expect(cfg.getCreateTime() != null, "create: no create_time");

    RecordCallbackConfigList page = api.listRecordCallbackConfigs(project, "push.example.com", app, null, 10);
    List<String> ids = new ArrayList<>();
    if (page.getCallbackConfig() != null) page.getCallbackConfig().forEach(c -> ids.add(c.getId()));
    expect(ids.equals(List.of(cfg.getId())), "list: ids " + ids);
    expect(page.getTotal() == null || page.getTotal() == 1, "list: total " + page.getTotal());

    RecordCallbackConfig shown = api.showRecordCallbackConfig(project, cfg.getId());
    expect(cfg.getId().equals(shown.getId()) && body.getNotifyCallbackUrl().equals(shown.getNotifyCallbackUrl()),
        "show: " + shown);

    // Read, change, send back: the stored strings become the request's types
    // unchanged (the key is never returned, so it is sent again).
    List<RequestedEvent> events = new ArrayList<>();
    shown.getNotifyEventSubscription().forEach(e -> events.add(event(e)));
    RecordCallbackConfigRequest sentBack = new RecordCallbackConfigRequest()
        .publishDomain(shown.getPublishDomain()).app(shown.getApp())
        .notifyCallbackUrl("https://hooks.example.com/live/record-v2")
        .notifyEventSubscription(events)
        .signType(new RequestedSignType(SignType.MD5))
        .key(KEY);
    RecordCallbackConfig updated = api.updateRecordCallbackConfig(project, cfg.getId(), sentBack);
    expect("MD5".equals(updated.getSignType()) && updated.getNotifyCallbackUrl().endsWith("-v2"), "update: " + updated);
    expect(updated.getNotifyEventSubscription().equals(shown.getNotifyEventSubscription()), "update: " + updated);

    String code = refused(400, () -> api.createRecordCallbackConfig(project, body)).getErrorCode();
    expect("LIVE.103011018".equals(code), "duplicate: error_code " + code);
    // An event the document does not list passes the client; the emulator
    // refuses it, as the contract says.
    RecordCallbackConfigRequest unlisted = new RecordCallbackConfigRequest()
        .publishDomain("push.example.com").app(app + "-x")
        .notifyCallbackUrl("https://hooks.example.com/live/record")
        .notifyEventSubscription(new ArrayList<>(List.of(event("RECORD_SEGMENT_READY"))))
        .signType(new RequestedSignType(SignType.HMACSHA256))
        .key(KEY);
    // This generator drops the `not` of the Unlisted members, so a known
    // name matches both members when a request is parsed from JSON
    // (docs/other-languages.md says so; if this stops being true, update it).
    try {
      RecordCallbackConfigRequest.fromJson(body.toJson());
      throw new AssertionError("a request with a known event now parses: update docs/other-languages.md");
    } catch (com.google.gson.JsonSyntaxException e) {
      expect(e.getMessage().contains("2 class(es) match"), e.getMessage());
    }
    String unlistedCode = refused(400, () -> api.createRecordCallbackConfig(project, unlisted)).getErrorCode();
    expect("LIVE.100011001".equals(unlistedCode), "unlisted: error_code " + unlistedCode);

    ApiResponse<Void> deleted = api.deleteRecordCallbackConfigWithHttpInfo(project, cfg.getId());
    expect(deleted.getStatusCode() == 204, "delete: status " + deleted.getStatusCode());
    ErrorResponse gone = refused(404, () -> api.showRecordCallbackConfig(project, cfg.getId()));
    expect(gone.getErrorCode() != null, "show after delete: " + gone);

    String wrong = "";
    if (System.getenv("LIVE_AK") != null) {
      RecordingCallbacksApi bad = api(System.getenv("LIVE_SK") + "x");
      String badCode = refused(401, () -> bad.listRecordCallbackConfigs(project, null, null, null, null)).getErrorCode();
      expect("APIGW.0301".equals(badCode), "wrong SK: error_code " + badCode);
      wrong = ", a wrong SK refused with 401 APIGW.0301";
    }

    // Notifications, read as a receiver would: the callback's body type first.
    Notifications n = new Notifications();
    Map<String, String> kinds = new java.util.TreeMap<>();
    for (Map.Entry<String, String> e : n.bodies.entrySet()) {
      String eventType = Notifications.eventType(e.getValue());
      Object instance = RecordNotificationBody.fromJson(e.getValue()).getActualInstance();
      if (n.known.containsKey(eventType)) {
        expect(instance instanceof RecordNotification, e.getKey() + ": read as " + instance.getClass());
        instance = ((RecordNotification) instance).getActualInstance();
        expect(instance.getClass().getSimpleName().equals(n.known.get(eventType)),
            e.getKey() + ": read as " + instance.getClass().getSimpleName());
      } else {
        expect(instance instanceof OtherRecordNotification, e.getKey() + ": read as " + instance.getClass());
        expect(eventType.equals(((OtherRecordNotification) instance).getEventType()), e.getKey());
      }
      if (instance instanceof RecordFileCompleteNotification f) {
        expect(f.getDownloadUrl() != null && f.getFileSize() > 0, e.getKey() + ": " + f);
      }
      if (e.getKey().equals("RECORD_START without file_size")) {
        expect(((RecordStartNotification) instance).getFileSize() == null, e.getKey());
      }
      kinds.put(e.getKey(), instance.getClass().getSimpleName());
    }
    System.out.printf("openapi-generator java (okhttp-gson) client (%s): create/list/show/update (sent back)/delete, "
        + "400 %s and %s (unlisted event), 404 after delete%s, %d notifications read (unknown event_type: %s; "
        + "RECORD_START without file_size: %s)%n",
        System.getenv("LIVE_AK") != null ? "AK/SK signed by huaweicloud-sdk-core's signer" : "IAM token",
        code, unlistedCode, wrong, kinds.size(), kinds.get("unknown event_type"),
        kinds.get("RECORD_START without file_size"));
  }
}
