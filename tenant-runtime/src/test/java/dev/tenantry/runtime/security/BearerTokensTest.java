package dev.tenantry.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/** Where a request's bearer token is found, and which are refused before any verification. */
class BearerTokensTest {
  final BearerTokens tokens = new BearerTokens();

  String token(MockServerHttpRequest.BaseBuilder<?> request) {
    Authentication found = tokens.convert(MockServerWebExchange.from(request)).block();
    return found == null ? null : ((BearerTokenAuthenticationToken) found).getToken();
  }

  @Test
  void takesTheHeaderOrTheAccessTokenParameterOfAWebSocketHandshake() {
    assertThat(token(MockServerHttpRequest.get("/api/v1/projects").header("Authorization", "Bearer abc.DEF-_~+/x==")))
        .isEqualTo("abc.DEF-_~+/x==");
    assertThat(token(MockServerHttpRequest.get("/api/v1/projects").header("Authorization", "bearer abc"))).isEqualTo("abc");
    assertThat(token(MockServerHttpRequest.get("/ws/events?access_token=abc.def").header("Upgrade", "websocket")))
        .isEqualTo("abc.def");
    assertThat(token(MockServerHttpRequest.get("/api/v1/projects?access_token=abc.def")))
        .as("a token in the URL of a plain request (it ends up in logs)").isNull();
    assertThat(token(MockServerHttpRequest.post("/api/v1/projects?access_token=abc.def"))).as("only on GET").isNull();
    assertThat(token(MockServerHttpRequest.get("/api/v1/projects").header("Authorization", "Basic dXNlcjpwYXNz"))).isNull();
    assertThat(token(MockServerHttpRequest.get("/api/v1/projects"))).isNull();
  }

  @Test
  void refusesMalformedOrDoubleTokens() {
    for (String bad : new String[] {"Bearer ", "Bearer a b", "Bearer abc=def", "Bearer ===", "Bearer ünï"}) {
      assertThatThrownBy(() -> token(MockServerHttpRequest.get("/api/v1/projects").header("Authorization", bad)))
          .as(bad).isInstanceOf(OAuth2AuthenticationException.class).hasMessageContaining("malformed");
    }
    assertThatThrownBy(() -> token(MockServerHttpRequest.get("/ws/events?access_token=abc")
        .header("Upgrade", "websocket").header("Authorization", "Bearer abc"))).isInstanceOf(OAuth2AuthenticationException.class)
        .hasMessageContaining("multiple");
  }
}
