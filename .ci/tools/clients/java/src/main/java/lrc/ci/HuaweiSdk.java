package lrc.ci;

import com.huaweicloud.sdk.core.auth.BasicCredentials;
import com.huaweicloud.sdk.core.exception.ServiceResponseException;
import com.huaweicloud.sdk.live.v1.LiveClient;
import com.huaweicloud.sdk.live.v1.model.CreateRecordCallbackConfigRequest;
import com.huaweicloud.sdk.live.v1.model.CreateRecordCallbackConfigResponse;
import com.huaweicloud.sdk.live.v1.model.DeleteRecordCallbackConfigRequest;
import com.huaweicloud.sdk.live.v1.model.ListRecordCallbackConfigsRequest;
import com.huaweicloud.sdk.live.v1.model.ListRecordCallbackConfigsResponse;
import com.huaweicloud.sdk.live.v1.model.RecordCallbackConfig;
import com.huaweicloud.sdk.live.v1.model.RecordCallbackConfigRequest;
import com.huaweicloud.sdk.live.v1.model.ShowRecordCallbackConfigRequest;
import com.huaweicloud.sdk.live.v1.model.ShowRecordCallbackConfigResponse;
import com.huaweicloud.sdk.live.v1.model.UpdateRecordCallbackConfigRequest;
import com.huaweicloud.sdk.live.v1.model.UpdateRecordCallbackConfigResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Huawei's official Java SDK (huaweicloud-sdk-live, signed by
 * huaweicloud-sdk-core) against the emulator, as
 * tests/huawei_sdk/drive_emulator.py does with the Python SDK: the five
 * operations with AK/SK, the answers read into the SDK's own models, the
 * service's error codes through its own exception, 404 after delete, and a
 * wrong secret key refused. Reads LIVE_ENDPOINT, LIVE_AK, LIVE_SK,
 * LIVE_PROJECT_ID and LIVE_APP. Prints a line per check and
 * "N passed, N failed".
 */
public final class HuaweiSdk {
  static final String DOMAIN = "push.sdk-java.example.com";
  static final String KEY = "0123456789abcdef0123456789abcdef";
  static int passed, failed;

  interface Check {
    void run() throws Exception;
  }

  static void check(String name, Check c) {
    try {
      c.run();
      passed++;
      System.out.println("ok   " + name);
    } catch (Throwable e) {
      failed++;
      System.out.println("FAIL " + name + ": " + e);
    }
  }

  static void expect(boolean cond, String what) {
    if (!cond) throw new AssertionError(what);
  }

  static LiveClient client(String sk) {
    // An endpoint and no region: with a region the builder would add that
    // region's endpoints and could ask IAM for the project id.
    return LiveClient.newBuilder()
        .withCredential(new BasicCredentials().withAk(System.getenv("LIVE_AK")).withSk(sk)
            .withProjectId(System.getenv("LIVE_PROJECT_ID")))
        .withEndpoint(System.getenv("LIVE_ENDPOINT"))
        .build();
  }

  static RecordCallbackConfigRequest body(String app, String url, List<String> events, String sign) {
    RecordCallbackConfigRequest b = new RecordCallbackConfigRequest().withPublishDomain(DOMAIN).withApp(app)
        .withNotifyCallbackUrl(url);
    if (events != null) {
      b.withNotifyEventSubscription(events.stream()
          .map(RecordCallbackConfigRequest.NotifyEventSubscriptionEnum::fromValue).collect(Collectors.toList()));
    }
    if (sign != null) b.withSignType(RecordCallbackConfigRequest.SignTypeEnum.fromValue(sign)).withKey(KEY);
    return b;
  }

  static void serviceError(Check call, int status, String code) throws Exception {
    try {
      call.run();
    } catch (ServiceResponseException e) {
      expect(e.getHttpStatusCode() == status && code.equals(e.getErrorCode()),
          "got " + e.getHttpStatusCode() + " " + e.getErrorCode() + " (" + e.getErrorMsg() + "), want " + status + " " + code);
      expect(e.getRequestId() != null && !e.getRequestId().isEmpty(), "no request id");
      return;
    }
    throw new AssertionError("the call succeeded; want " + status + " " + code);
  }

  static List<String> ids(ListRecordCallbackConfigsResponse r) {
    return r.getCallbackConfig().stream().map(RecordCallbackConfig::getId).collect(Collectors.toList());
  }

  public static void main(String[] args) {
    LiveClient live = client(System.getenv("LIVE_SK"));
    String app = System.getenv("LIVE_APP");
    Map<String, String> state = new HashMap<>();

    check("create returns an id and the config; create_time read into the SDK's LocalDate", () -> {
      CreateRecordCallbackConfigResponse r = live.createRecordCallbackConfig(new CreateRecordCallbackConfigRequest()
          .withBody(body(app, "https://hooks.example.com/live/record", List.of("RECORD_FILE_COMPLETE", "RECORD_FAILED"),
              "HMACSHA256")));
      expect(r.getHttpStatusCode() == 201 && r.getId() != null, "status " + r.getHttpStatusCode());
      expect(r.getNotifyEventSubscription().stream().map(Object::toString).collect(Collectors.toList())
          .equals(List.of("RECORD_FILE_COMPLETE", "RECORD_FAILED")), "events " + r.getNotifyEventSubscription());
      expect("HMACSHA256".equals(String.valueOf(r.getSignType())), "sign_type " + r.getSignType());
      // The SDK's model types create_time and update_time as
      // java.time.LocalDate; the service sends a date-time.
      expect(r.getCreateTime() != null && r.getUpdateTime() != null, "create_time " + r.getCreateTime());
      System.out.println("     create_time as the SDK reads it: " + r.getCreateTime() + " (LocalDate)");
      state.put("id", r.getId());
    });
    check("create a wildcard config with the defaults", () -> {
      CreateRecordCallbackConfigResponse r = live.createRecordCallbackConfig(new CreateRecordCallbackConfigRequest()
          .withBody(body("*", "http://hooks.example.com/live/any", null, null)));
      expect("HMACSHA256".equals(String.valueOf(r.getSignType())), "default sign_type " + r.getSignType());
      expect(String.valueOf(r.getNotifyEventSubscription()).equals("[RECORD_FILE_COMPLETE]"),
          "default events " + r.getNotifyEventSubscription());
      state.put("wildcard", r.getId());
    });
    check("list filtered by publish_domain and app=*", () -> {
      ListRecordCallbackConfigsResponse r = live.listRecordCallbackConfigs(new ListRecordCallbackConfigsRequest()
          .withPublishDomain(DOMAIN).withApp("*").withLimit(10));
      expect(r.getTotal() == 1 && ids(r).equals(List.of(state.get("wildcard"))), "total " + r.getTotal() + ", ids " + ids(r));
    });
    check("list filtered by publish_domain, paged: total counts every page", () -> {
      ListRecordCallbackConfigsResponse r = live.listRecordCallbackConfigs(new ListRecordCallbackConfigsRequest()
          .withPublishDomain(DOMAIN).withOffset(1).withLimit(1));
      expect(r.getTotal() == 2 && ids(r).equals(List.of(state.get("wildcard"))), "total " + r.getTotal() + ", ids " + ids(r));
    });
    check("show returns the config", () -> {
      ShowRecordCallbackConfigResponse r = live.showRecordCallbackConfig(
          new ShowRecordCallbackConfigRequest().withId(state.get("id")));
      expect(state.get("id").equals(r.getId()) && app.equals(r.getApp())
          && "https://hooks.example.com/live/record".equals(r.getNotifyCallbackUrl()), String.valueOf(r));
    });
    check("duplicate (domain, app) gives 400 LIVE.103011018", () -> serviceError(() -> live.createRecordCallbackConfig(
        new CreateRecordCallbackConfigRequest().withBody(body(app, "https://other.example.com/cb", null, null))),
        400, "LIVE.103011018"));
    check("an ftp:// callback URL gives 400 LIVE.100011001", () -> serviceError(() -> live.createRecordCallbackConfig(
        new CreateRecordCallbackConfigRequest().withBody(body(app + "-x", "ftp://hooks.example.com/cb", null, null))),
        400, "LIVE.100011001"));
    check("update replaces the config", () -> {
      UpdateRecordCallbackConfigResponse r = live.updateRecordCallbackConfig(new UpdateRecordCallbackConfigRequest()
          .withId(state.get("id"))
          .withBody(body(app, "https://hooks.example.com/live/record-v2", List.of("RECORD_OVER"), "MD5")));
      expect(r.getHttpStatusCode() == 200 && state.get("id").equals(r.getId()), "status " + r.getHttpStatusCode());
      expect("https://hooks.example.com/live/record-v2".equals(r.getNotifyCallbackUrl())
          && "MD5".equals(String.valueOf(r.getSignType())), String.valueOf(r));
    });
    check("delete gives 204", () -> {
      int status = live.deleteRecordCallbackConfig(new DeleteRecordCallbackConfigRequest().withId(state.get("id")))
          .getHttpStatusCode();
      expect(status == 204, "status " + status);
    });
    check("show after delete gives 404 LIVE.100011001", () -> {
      serviceError(() -> live.showRecordCallbackConfig(new ShowRecordCallbackConfigRequest().withId(state.get("id"))),
          404, "LIVE.100011001");
      live.deleteRecordCallbackConfig(new DeleteRecordCallbackConfigRequest().withId(state.get("wildcard")));
    });
    check("a wrong secret key gives 401 APIGW.0301", () -> serviceError(() -> client(System.getenv("LIVE_SK") + "x")
        .listRecordCallbackConfigs(new ListRecordCallbackConfigsRequest()), 401, "APIGW.0301"));

    System.out.println(passed + " passed, " + failed + " failed");
    System.exit(failed == 0 && passed > 0 ? 0 : 1);
  }
}
