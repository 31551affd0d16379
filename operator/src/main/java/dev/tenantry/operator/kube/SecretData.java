package dev.tenantry.operator.kube;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Text in and out of the base64 that Secrets' {@code data} (and webhooks' {@code caBundle}) hold. */
public final class SecretData {

  private SecretData() {}

  public static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  public static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
