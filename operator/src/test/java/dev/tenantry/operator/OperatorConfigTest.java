package dev.tenantry.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorConfigTest {

  @Test
  void defaultsFollowTheDesignContract() {
    OperatorConfig config = OperatorConfig.fromEnvironment(Map.of());
    assertThat(config.platformNamespace()).isEqualTo("tenantry-system");
    assertThat(config.httpPort()).isEqualTo(8095);
    assertThat(config.leaderElection()).isTrue();
    assertThat(config.postgresAdminSecret()).isEmpty();
  }

  @Test
  void environmentOverridesEverySetting() {
    OperatorConfig config = OperatorConfig.fromEnvironment(Map.of(
        "TENANTRY_NAMESPACE", "platform", "TENANTRY_OPERATOR_PORT", "18095",
        "TENANTRY_LEADER_ELECTION", "false", "TENANTRY_POSTGRES_SECRET", "pg-admin",
        "TENANTRY_INGRESS_NAMESPACE", "traefik"));
    assertThat(config).isEqualTo(new OperatorConfig("platform", 18095, "traefik", false,
        java.util.Optional.of("pg-admin")));
  }

  @Test
  void aBadPortIsAClearError() {
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("TENANTRY_OPERATOR_PORT", "http")))
        .hasMessageContaining("TENANTRY_OPERATOR_PORT is not a number: http");
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("TENANTRY_OPERATOR_PORT", "70000")))
        .hasMessageContaining("out of range");
  }
}
