package lrc.ci;

import com.huaweicloud.sdk.core.auth.AKSKSigner;
import com.huaweicloud.sdk.core.auth.BasicCredentials;
import com.huaweicloud.sdk.core.http.HttpMethod;
import com.huaweicloud.sdk.core.http.HttpRequest;
import java.io.IOException;
import java.util.Map;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;

/**
 * Signs the requests of an OkHttp-based generated client with AK/SK
 * (SDK-HMAC-SHA256), using the signer of Huawei's Java SDK
 * (huaweicloud-sdk-core's AKSKSigner) rather than a copy of its rules:
 * {@code apiClient.setHttpClient(apiClient.getHttpClient().newBuilder()
 * .addInterceptor(new AkSk(ak, sk, projectId)).build())}.
 */
public final class AkSk implements Interceptor {
  private final BasicCredentials credentials;
  private final String projectId;

  public AkSk(String ak, String sk, String projectId) {
    this.credentials = new BasicCredentials().withAk(ak).withSk(sk).withProjectId(projectId);
    this.projectId = projectId;
  }

  /** Keeps the secret key out of logs. */
  @Override
  public String toString() {
    return "AkSk{ak=" + credentials.getAk() + ", sk=<redacted>}";
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    return chain.proceed(sign(chain.request()));
  }

  /** The request with X-Project-Id, X-Sdk-Date and Authorization added. */
  public Request sign(Request request) throws IOException {
    String body = "";
    String contentType = null;
    RequestBody requestBody = request.body();
    if (requestBody != null) {
      Buffer buffer = new Buffer();
      requestBody.writeTo(buffer);
      body = buffer.readUtf8();
      MediaType type = requestBody.contentType();
      contentType = request.header("Content-Type") != null ? request.header("Content-Type")
          : type != null ? type.toString() : null;
    } else {
      contentType = request.header("Content-Type");
    }
    Request.Builder out = request.newBuilder().header("X-Project-Id", projectId);
    String endpoint = request.url().scheme() + "://" + request.url().host()
        + (request.url().port() == okhttp3.HttpUrl.defaultPort(request.url().scheme()) ? ""
            : ":" + request.url().port());
    HttpRequest.HttpRequestBuilder huawei = HttpRequest.newBuilder()
        .withEndpoint(endpoint)
        .withPath(request.url().encodedPath())
        .withMethod(HttpMethod.valueOf(request.method()))
        .withBodyAsString(body)
        .addHeader("X-Project-Id", projectId);
    if (contentType != null) {
      huawei.withContentType(contentType).addHeader("Content-Type", contentType);
    }
    if (request.header("X-Sdk-Date") != null) {
      huawei.addHeader("X-Sdk-Date", request.header("X-Sdk-Date"));
    }
    for (String name : request.url().queryParameterNames()) {
      huawei.addQueryParam(name, request.url().queryParameterValues(name));
    }
    Map<String, String> headers = AKSKSigner.getInstance().sign(huawei.build(), credentials);
    headers.forEach(out::header);
    return out.build();
  }
}
