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
    assertThat(config.webhook().enabled()).isTrue();
    assertThat(config.webhook().port()).isEqualTo(8443);
    assertThat(config.webhook().operatorIdentity())
        .isEqualTo("system:serviceaccount:tenantry-system:tenantry-operator");
    assertThat(config.webhook().configurationName()).isEqualTo("tenantry-tenant-isolation");
  }

  @Test
  void environmentOverridesEverySetting() {
    OperatorConfig config = OperatorConfig.fromEnvironment(Map.ofEntries(
        Map.entry("TENANTRY_NAMESPACE", "platform"), Map.entry("TENANTRY_OPERATOR_PORT", "18095"),
        Map.entry("TENANTRY_LEADER_ELECTION", "false"), Map.entry("HOSTNAME", "operator-7d9f"),
        Map.entry("TENANTRY_INGRESS_NAMESPACE", "traefik"), Map.entry("TENANTRY_RECONCILE_THREADS", "4"),
        Map.entry("TENANTRY_POSTGRES_URL", "jdbc:postgresql://10.1.2.3:6432/postgres"),
        Map.entry("TENANTRY_POSTGRES_USER", "admin"), Map.entry("TENANTRY_POSTGRES_TENANT_HOST", "pg.platform.svc"),
        Map.entry("TENANTRY_WEBHOOK_PORT", "9443"), Map.entry("TENANTRY_WEBHOOK_SERVICE", "hooks"),
        Map.entry("TENANTRY_OPERATOR_IDENTITY", "system:serviceaccount:platform:op")));
    assertThat(config.platformNamespace()).isEqualTo("platform");
    assertThat(config.httpPort()).isEqualTo(18095);
    assertThat(config.ingressNamespace()).isEqualTo("traefik");
    assertThat(config.leaderElection()).isFalse();
    assertThat(config.instanceId()).isEqualTo("operator-7d9f");
    assertThat(config.reconcileThreads()).isEqualTo(4);
    assertThat(config.postgres()).hasValueSatisfying(pg -> {
      assertThat(pg.user()).isEqualTo("admin");
      assertThat(pg.tenantHost()).isEqualTo("pg.platform.svc");
      assertThat(pg.tenantPort()).isEqualTo(6432);
    });
    assertThat(config.webhook().port()).isEqualTo(9443);
    assertThat(config.webhook().certificateNames()).contains("hooks.platform.svc", "127.0.0.1");
    assertThat(config.webhook().operatorIdentity()).isEqualTo("system:serviceaccount:platform:op");
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
