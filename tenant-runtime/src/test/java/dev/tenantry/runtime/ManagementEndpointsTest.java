package dev.tenantry.runtime;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The management port answers the probes the Kubernetes Deployment uses, and Prometheus. */
@SpringBootTest(
    classes = TenantRuntimeApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "management.server.port=0")
class ManagementEndpointsTest {

  @Value("${local.management.port}")
  int managementPort;

  @Test
  void livenessReadinessAndPrometheusAreServed() {
    WebTestClient client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort).build();
    client.get().uri("/actuator/health/liveness").exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("UP");
    client.get().uri("/actuator/health/readiness").exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("UP");
    client.get().uri("/actuator/prometheus").exchange()
        .expectStatus().isOk().expectBody(String.class)
        .value(body -> org.assertj.core.api.Assertions.assertThat(body).contains("jvm_memory_used_bytes"));
  }
}
