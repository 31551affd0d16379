package dev.tenantry.runtime;

import dev.tenantry.web.json.StrictJsonCodecs;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** Entry point of the tenant runtime: one tenant's work tracker over REST, GraphQL, gRPC and WebSocket. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(StrictJsonCodecs.class)
public class TenantRuntimeApplication {
  public static void main(String[] args) {
    SpringApplication application = new SpringApplication(TenantRuntimeApplication.class);
    application.setDefaultProperties(tracingExport(System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT")));
    application.run(args);
  }

  /** Spans go over OTLP/HTTP only when the standard OpenTelemetry endpoint variable is set. */
  static Map<String, Object> tracingExport(String endpoint) {
    if (endpoint == null || endpoint.isBlank()) {
      return Map.of();
    }
    return Map.of("management.opentelemetry.tracing.export.otlp.endpoint",
        endpoint.replaceAll("/+$", "") + "/v1/traces");
  }
}
