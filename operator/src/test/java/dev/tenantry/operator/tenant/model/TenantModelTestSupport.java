package dev.tenantry.operator.tenant.model;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

final class TenantModelTestSupport {
  private TenantModelTestSupport() {}

  static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
