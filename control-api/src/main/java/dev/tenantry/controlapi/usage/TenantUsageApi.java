package dev.tenantry.controlapi.usage;

import dev.tenantry.controlapi.tenant.TenantView;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.schema.DataFetchingEnvironment;
import java.util.Map;
import org.springframework.graphql.data.method.annotation.SchemaMapping;
import org.springframework.graphql.execution.DataFetcherExceptionResolverAdapter;
import org.springframework.graphql.execution.ErrorType;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.ResponseBody;
import reactor.core.publisher.Mono;

/**
 * Live usage in both admin APIs: the GraphQL field {@code Tenant.usage} (null with an error when
 * the runtime cannot answer; the rest of the answer stands) and {@code GET /api/v1/tenants/{name}/usage}.
 */
@Controller
public class TenantUsageApi {
  private final TenantUsage usage;

  public TenantUsageApi(TenantUsage usage) {
    this.usage = usage;
  }

  @SchemaMapping(typeName = "Tenant", field = "usage")
  Mono<TenantUsage.UsageView> usage(TenantView tenant) {
    return usage.of(tenant.name());
  }

  @GetMapping("/api/v1/tenants/{name}/usage")
  @ResponseBody
  Mono<TenantUsage.UsageView> usage(@PathVariable String name) {
    return usage.of(name);
  }

  @ExceptionHandler(TenantUsage.UsageUnavailable.class)
  @ResponseBody
  ProblemDetail unavailable(TenantUsage.UsageUnavailable e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
    problem.setTitle("Usage unavailable");
    return problem;
  }

  /** An unanswered usage request as a GraphQL error with code UNAVAILABLE on the usage field. */
  @Component
  static class Errors extends DataFetcherExceptionResolverAdapter {
    @Override
    protected GraphQLError resolveToSingleError(Throwable ex, DataFetchingEnvironment env) {
      if (!(ex instanceof TenantUsage.UsageUnavailable e)) {
        return null;
      }
      return GraphqlErrorBuilder.newError(env).errorType(ErrorType.INTERNAL_ERROR).message(e.getMessage())
          .extensions(Map.of("code", "UNAVAILABLE")).build();
    }
  }
}
