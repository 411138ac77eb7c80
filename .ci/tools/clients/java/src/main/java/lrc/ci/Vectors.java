package lrc.ci;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * AkSk (huaweicloud-sdk-core's signer, as the generated clients use it) on
 * the requests of the reference vectors, test-support/vectors/aksk-signing.json
 * (args[0]), signed at their time. Huawei's Java and Go signers leave
 * Content-Type out of SignedHeaders (the Python SDK, which computed the
 * vectors, signs it), so the signatures cannot be the vectors'; each must
 * name the vectors' access key and their signed headers less content-type,
 * and .ci/go-java compares the signatures, printed as "signature METHOD
 * PATH HEX", with those of the Go signer. Prints "N passed, N failed".
 */
public final class Vectors {
  public static void main(String[] args) throws Exception {
    JsonObject v = JsonParser.parseString(Files.readString(Path.of(args[0]))).getAsJsonObject();
    String ak = v.get("access_key").getAsString();
    AkSk signer = new AkSk(ak, v.get("secret_key").getAsString(), v.get("project_id").getAsString());
    int passed = 0, failed = 0;
    for (JsonElement e : v.getAsJsonArray("vectors")) {
      JsonObject c = e.getAsJsonObject();
      String method = c.get("method").getAsString();
      String body = c.get("body").getAsString();
      String contentType = c.get("content_type").getAsString();
      RequestBody rb = body.isEmpty() && !method.equals("POST") && !method.equals("PUT") ? null
          : RequestBody.create(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), MediaType.get(contentType));
      Request req = new Request.Builder()
          .url("https://" + v.get("host").getAsString() + c.get("path_and_query").getAsString())
          .method(method, rb)
          .header("Content-Type", contentType)
          .header("X-Sdk-Date", v.get("sdk_date").getAsString())
          .build();
      String got = signer.sign(req).header("Authorization");
      String signed = v.get("signed_headers").getAsString().replace("content-type;", "");
      java.util.regex.Matcher m = java.util.regex.Pattern
          .compile("SDK-HMAC-SHA256 Access=" + ak + ", SignedHeaders=" + signed + ", Signature=([0-9a-f]{64})")
          .matcher(got == null ? "" : got);
      String want = "Access=" + ak + ", SignedHeaders=" + signed + ", a signature";
      if (m.matches()) {
        passed++;
        System.out.println("signature " + method + " " + c.get("path_and_query").getAsString() + " " + m.group(1));
      } else {
        failed++;
        System.out.println("FAIL " + method + " " + c.get("path_and_query").getAsString() + ": " + (got == null ? null : got.replaceAll("Signature=\\S+", "Signature=(hidden)")) + ", want " + want);
      }
    }
    System.out.println(passed + " passed, " + failed + " failed");
    System.exit(failed == 0 && passed > 0 ? 0 : 1);
  }
}
