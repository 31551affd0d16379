package dev.tenantry.runtime.rest;

import dev.tenantry.runtime.store.DomainException;
import org.springframework.http.ResponseEntity;

/** ETag and If-Match: a resource's version is its entity tag. */
final class Versions {
  private Versions() {}

  static String etag(int version) {
    return "\"" + version + "\"";
  }

  /** The version an If-Match header asks for; null when absent or {@code *}. */
  static Integer ifMatch(String header) {
    if (header == null || header.isBlank() || header.trim().equals("*")) {
      return null;
    }
    String tag = header.trim();
    if (tag.startsWith("W/")) {
      tag = tag.substring(2);
    }
    tag = tag.replace("\"", "");
    try {
      return Integer.parseInt(tag);
    } catch (NumberFormatException e) {
      throw new DomainException.Invalid("If-Match", "not an entity tag this API issued: " + header);
    }
  }

  static <T> ResponseEntity<T> ok(T body, int version) {
    return ResponseEntity.ok().eTag(etag(version)).body(body);
  }
}
