package dev.tenantry.operator.tracing;

import dev.tenantry.crds.TenantryApi;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Traces reconciles with micrometer-tracing over OpenTelemetry. A Tenant carrying the
 * control API's {@code tenantry.dev/traceparent} annotation is reconciled in a child span of
 * that trace, so one trace runs from the admin's request to the provisioned namespace. Spans
 * are exported over OTLP only when an exporter is given (see {@link #fromEnvironment}).
 */
public final class TenantTracing implements AutoCloseable {

  private final OpenTelemetrySdk openTelemetry;
  private final Tracer tracer;
  private final Propagator propagator;

  public TenantTracing(Optional<SpanExporter> exporter) {
    SdkTracerProviderBuilder provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(
            Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), TenantryApi.OPERATOR))));
    exporter.ifPresent(e -> provider.addSpanProcessor(BatchSpanProcessor.builder(e).build()));
    openTelemetry = OpenTelemetrySdk.builder()
        .setTracerProvider(provider.build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    io.opentelemetry.api.trace.Tracer otelTracer = openTelemetry.getTracer("dev.tenantry.operator");
    tracer = new OtelTracer(otelTracer, new OtelCurrentTraceContext(), event -> { });
    propagator = new OtelPropagator(openTelemetry.getPropagators(), otelTracer);
  }

  /** Exports over OTLP/HTTP to {@code OTEL_EXPORTER_OTLP_ENDPOINT} when it is set; otherwise keeps spans local. */
  public static TenantTracing fromEnvironment(Map<String, String> env) {
    return new TenantTracing(Optional.ofNullable(env.get("OTEL_EXPORTER_OTLP_ENDPOINT"))
        .filter(endpoint -> !endpoint.isBlank())
        .map(endpoint -> OtlpHttpSpanExporter.builder()
            .setEndpoint(endpoint.replaceAll("/+$", "") + "/v1/traces").build()));
  }

  /** Runs {@code work} in a span named {@code name}, continuing the resource's traceparent annotation. */
  public <T> T inSpan(String name, HasMetadata resource, Supplier<T> work) {
    Map<String, String> annotations = Optional.ofNullable(resource.getMetadata().getAnnotations()).orElse(Map.of());
    Span span = propagator.extract(annotations, (carrier, key) ->
            "traceparent".equals(key) ? carrier.get(TenantryApi.TRACEPARENT_ANNOTATION) : null)
        .name(name)
        .tag("tenant", resource.getMetadata().getName())
        .start();
    try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
      return work.get();
    } catch (RuntimeException e) {
      span.error(e);
      throw e;
    } finally {
      span.end();
    }
  }

  @Override
  public void close() {
    openTelemetry.close();
  }
}
