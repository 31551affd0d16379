package dev.tenantry.controlapi.keys;

import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Publishes the platform's public keys; tenant runtimes and others verify tokens with them. */
@RestController
public class JwksController {
  private final PlatformKeys keys;

  public JwksController(PlatformKeys keys) {
    this.keys = keys;
  }

  @GetMapping(path = "/.well-known/jwks.json", produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> jwks() {
    return keys.publicJwks().toJSONObject();
  }
}
