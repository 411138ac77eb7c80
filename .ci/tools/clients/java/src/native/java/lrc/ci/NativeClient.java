package lrc.ci;

import com.huaweicloud.sdk.core.auth.AKSKSigner;
import com.huaweicloud.sdk.core.auth.BasicCredentials;
import com.huaweicloud.sdk.core.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import lrc.nat.ApiClient;
import lrc.nat.ApiException;
import lrc.nat.ApiResponse;
import lrc.nat.api.RecordingCallbacksApi;
import lrc.nat.model.ErrorResponse;
import lrc.nat.model.OtherRecordNotification;
import lrc.nat.model.RecordCallbackConfig;
import lrc.nat.model.RecordCallbackConfigList;
import lrc.nat.model.RecordCallbackConfigRequest;
import lrc.nat.model.RecordFileCompleteNotification;
import lrc.nat.model.RecordNotification;
import lrc.nat.model.RecordNotificationBody;
import lrc.nat.model.RecordStartNotification;
import lrc.nat.model.RequestedEvent;
import lrc.nat.model.RequestedSignType;
import lrc.nat.model.SignType;
import lrc.nat.model.SubscribedEvent;

/**
 * The Java client openapi-generator's `java` generator writes with its
 * `native` library (java.net.http and Jackson; packages lrc.nat.*) against
 * the emulator, the same steps as {@link OkHttpGson}. With LIVE_AK and
 * LIVE_SK every request is signed by huaweicloud-sdk-core's signer in the
 * client's request interceptor ({@link #signer}), which reads the body
 * from the request's BodyPublisher.
 */
public final class NativeClient {
  static final String KEY = "0123456789abcdef0123456789abcdef";

  static void expect(boolean cond, String what) {
    if (!cond) throw new AssertionError(what);
  }

  /** The body a BodyPublisher publishes (the generated client's are byte arrays). */
  static String body(HttpRequest r) {
    if (r.bodyPublisher().isEmpty() || r.bodyPublisher().get().contentLength() == 0) return "";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CompletableFuture<Void> done = new CompletableFuture<>();
    r.bodyPublisher().get().subscribe(new Flow.Subscriber<ByteBuffer>() {
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      public void onNext(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        out.write(bytes, 0, bytes.length);
      }

      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      public void onComplete() {
        done.complete(null);
      }
    });
    done.join();
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * A request interceptor that signs with AK/SK: X-Project-Id, X-Sdk-Date
   * and Authorization from huaweicloud-sdk-core's AKSKSigner.
   */
  static Consumer<HttpRequest.Builder> signer(String ak, String sk, String projectId) {
    BasicCredentials credentials = new BasicCredentials().withAk(ak).withSk(sk).withProjectId(projectId);
    return builder -> {
      builder.header("X-Project-Id", projectId);
      HttpRequest r = builder.copy().build();
      URI u = r.uri();
      com.huaweicloud.sdk.core.http.HttpRequest.HttpRequestBuilder huawei =
          com.huaweicloud.sdk.core.http.HttpRequest.newBuilder()
              .withEndpoint(u.getScheme() + "://" + u.getRawAuthority())
              .withPath(u.getRawPath())
              .withMethod(HttpMethod.valueOf(r.method()))
              .withBodyAsString(body(r))
              .addHeader("X-Project-Id", projectId);
      r.headers().firstValue("Content-Type").ifPresent(ct -> huawei.withContentType(ct).addHeader("Content-Type", ct));
      if (u.getRawQuery() != null) {
        Map<String, List<String>> query = new java.util.TreeMap<>();
        for (String pair : u.getRawQuery().split("&")) {
          String[] kv = pair.split("=", 2);
          query.computeIfAbsent(java.net.URLDecoder.decode(kv[0], StandardCharsets.UTF_8), k -> new ArrayList<>())
              .add(kv.length > 1 ? java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        query.forEach(huawei::addQueryParam);
      }
      // Host is signed but not set: java.net.http refuses to set it and
      // sends the URI's authority, which is what was signed.
      AKSKSigner.getInstance().sign(huawei.build(), credentials).forEach((name, value) -> {
        if (!name.equalsIgnoreCase("Host")) builder.setHeader(name, value);
      });
    };
  }

  static RecordingCallbacksApi api(String sk) {
    ApiClient client = new ApiClient();
    client.updateBaseUri(System.getenv("LIVE_ENDPOINT"));
    if (System.getenv("LIVE_AK") != null) {
      client.setRequestInterceptor(signer(System.getenv("LIVE_AK"), sk, System.getenv("LIVE_PROJECT_ID")));
    } else {
      String token = System.getenv("LIVE_TOKEN");
      client.setRequestInterceptor(b -> b.header("X-Auth-Token", token));
    }
    return new RecordingCallbacksApi(client);
  }

  static RequestedEvent event(String name) {
    try {
      return new RequestedEvent(SubscribedEvent.fromValue(name));
    } catch (IllegalArgumentException unlisted) {
      return new RequestedEvent(name);
    }
  }

  interface Call {
    void run() throws Exception;
  }

  static ErrorResponse refused(int status, Call call) throws Exception {
    try {
      call.run();
    } catch (ApiException e) {
      expect(e.getCode() == status, "status " + e.getCode() + ", want " + status + ": " + e.getResponseBody());
      return new ApiClient().getObjectMapper().readValue(e.getResponseBody(), ErrorResponse.class);
    }
    throw new AssertionError("the call succeeded; want " + status);
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
    expect(app.equals(cfg.getApp()) && "HMACSHA256".equals(cfg.getSignType()) && cfg.getCreateTime() != null,
        "create: " + cfg);

    RecordCallbackConfigList page = api.listRecordCallbackConfigs(project, "push.example.com", app, null, 10);
    List<String> ids = new ArrayList<>();
    if (page.getCallbackConfig() != null) page.getCallbackConfig().forEach(c -> ids.add(c.getId()));
    expect(ids.equals(List.of(cfg.getId())), "list: ids " + ids);
    expect(page.getTotal() == null || page.getTotal() == 1, "list: total " + page.getTotal());

    RecordCallbackConfig shown = api.showRecordCallbackConfig(project, cfg.getId());
    expect(cfg.getId().equals(shown.getId()) && body.getNotifyCallbackUrl().equals(shown.getNotifyCallbackUrl()),
        "show: " + shown);

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
    RecordCallbackConfigRequest unlisted = new RecordCallbackConfigRequest()
        .publishDomain("push.example.com").app(app + "-x")
        .notifyCallbackUrl("https://hooks.example.com/live/record")
        .notifyEventSubscription(new ArrayList<>(List.of(event("RECORD_SEGMENT_READY"))))
        .signType(new RequestedSignType(SignType.HMACSHA256))
        .key(KEY);
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

    Notifications n = new Notifications();
    var mapper = new ApiClient().getObjectMapper();
    Map<String, String> kinds = new java.util.TreeMap<>();
    int asOther = 0;
    for (Map.Entry<String, String> e : n.bodies.entrySet()) {
      String eventType = Notifications.eventType(e.getValue());
      Object instance = mapper.readValue(e.getValue(), RecordNotificationBody.class).getActualInstance();
      if (n.known.containsKey(eventType)) {
        // This library's RecordNotificationBody (anyOf) keeps the first
        // member that reads the body, OtherRecordNotification, so a listed
        // event is read with RecordNotification (docs/other-languages.md).
        if (instance instanceof OtherRecordNotification) asOther++;
        instance = mapper.readValue(e.getValue(), RecordNotification.class).getActualInstance();
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
    expect(asOther > 0, "RecordNotificationBody reads no listed event as OtherRecordNotification any more: "
        + "update docs/other-languages.md");
    System.out.printf("openapi-generator java (native) client (%s): create/list/show/update (sent back)/delete, "
        + "400 %s and %s (unlisted event), 404 after delete%s, %d notifications read (unknown event_type: %s; "
        + "RECORD_START without file_size: %s; %d listed events read by RecordNotificationBody as "
        + "OtherRecordNotification)%n",
        System.getenv("LIVE_AK") != null ? "AK/SK signed by huaweicloud-sdk-core's signer" : "IAM token",
        code, unlistedCode, wrong, kinds.size(), kinds.get("unknown event_type"),
        kinds.get("RECORD_START without file_size"), asOther);
  }
}
