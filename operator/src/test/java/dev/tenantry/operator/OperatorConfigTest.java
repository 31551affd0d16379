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
    assertThat(config.postgres()).isEmpty();
    assertThat(config.instanceId()).startsWith("operator-");
  }

  @Test
  void environmentOverridesEverySetting() {
    OperatorConfig config = OperatorConfig.fromEnvironment(Map.of(
        "TENANTRY_NAMESPACE", "platform", "TENANTRY_OPERATOR_PORT", "18095",
        "TENANTRY_LEADER_ELECTION", "false", "HOSTNAME", "operator-7d9f",
        "TENANTRY_INGRESS_NAMESPACE", "traefik", "TENANTRY_RECONCILE_THREADS", "4",
        "TENANTRY_POSTGRES_URL", "jdbc:postgresql://10.1.2.3:6432/postgres",
        "TENANTRY_POSTGRES_USER", "admin", "TENANTRY_POSTGRES_TENANT_HOST", "pg.platform.svc"));
    assertThat(config.platformNamespace()).isEqualTo("platform");
    assertThat(config.httpPort()).isEqualTo(18095);
    assertThat(config.ingressNamespace()).isEqualTo("traefik");
    assertThat(config.leaderElection()).isFalse();
    assertThat(config.instanceId()).isEqualTo("operator-7d9f");
    assertThat(config.reconcileThreads()).isEqualTo(4);
    assertThat(config.postgres()).hasValueSatisfying(pg -> {
      assertThat(pg.user()).isEqualTo("admin");
      assertThat(pg.tenantUrl("tenant_acme")).isEqualTo("postgresql://pg.platform.svc:6432/tenant_acme");
    });
  }

  @Test
  void badValuesAreClearErrors() {
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("TENANTRY_OPERATOR_PORT", "http")))
        .hasMessageContaining("TENANTRY_OPERATOR_PORT is not a number: http");
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("TENANTRY_OPERATOR_PORT", "70000")))
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("TENANTRY_POSTGRES_URL", "postgres://x/y")))
        .hasMessageContaining("must start with jdbc:postgresql://");
  }
}
