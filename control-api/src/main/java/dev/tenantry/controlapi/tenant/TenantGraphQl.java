package dev.tenantry.controlapi.tenant;

import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.schema.DataFetchingEnvironment;
import java.util.List;
import java.util.Map;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.MutationMapping;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.data.method.annotation.SchemaMapping;
import org.springframework.graphql.execution.DataFetcherExceptionResolverAdapter;
import org.springframework.graphql.execution.ErrorType;
import org.springframework.graphql.execution.SubscriptionExceptionResolverAdapter;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import reactor.core.publisher.Mono;

/** The admin console's API: tenants, plans and the tenant mutations (live progress: {@code ProvisioningGraphQl}). */
@Controller
public class TenantGraphQl {
  private static final String ADMIN = "hasAuthority('platform-admin')";

  private final TenantQueries tenants;
  private final TenantCommands commands;

  public TenantGraphQl(TenantQueries tenants, TenantCommands commands) {
    this.tenants = tenants;
    this.commands = commands;
  }

  public record TenantFilter(String phase, String plan, String search) {}

  public record IssuedToken(String token, String tenant, String subject, List<String> roles) {}

  @QueryMapping
  TenantQueries.TenantPage tenants(@Argument TenantFilter filter, @Argument Integer first, @Argument String after) {
    TenantFilter f = filter == null ? new TenantFilter(null, null, null) : filter;
    return tenants.list(f.phase(), f.plan(), f.search(), first == null ? 0 : first, after);
  }

  @QueryMapping
  TenantView tenant(@Argument String name) {
    return tenants.find(name).orElse(null);
  }

  @QueryMapping
  TenantQueries.FleetView fleet() {
    return tenants.fleet();
  }

  @QueryMapping
  List<TenantQueries.PlanView> plans() {
    return tenants.plans();
  }

  @SchemaMapping(typeName = "Tenant", field = "events")
  List<TenantQueries.EventView> events(TenantView tenant) {
    return tenants.events(tenant.name());
  }

  @MutationMapping
  @PreAuthorize(ADMIN)
  Mono<TenantView> createTenant(@Argument TenantRequests.CreateTenant input, Authentication caller) {
    return commands.create(caller.getName(), input);
  }

  @MutationMapping
  @PreAuthorize(ADMIN)
  Mono<TenantView> updateTenant(@Argument String name, @Argument TenantRequests.UpdateTenant input,
      Authentication caller) {
    return commands.update(caller.getName(), name, input);
  }

  @MutationMapping
  @PreAuthorize(ADMIN)
  Mono<TenantView> suspendTenant(@Argument String name, Authentication caller) {
    return commands.suspend(caller.getName(), name);
  }

  @MutationMapping
  @PreAuthorize(ADMIN)
  Mono<TenantView> resumeTenant(@Argument String name, Authentication caller) {
    return commands.resume(caller.getName(), name);
  }

  @MutationMapping
  @PreAuthorize(ADMIN)
  Mono<TenantView> wakeTenant(@Argument String name, Authentication caller) {
    return commands.wake(caller.getName(), name);
  }

  @MutationMapping
  @PreAuthorize(ADMIN)
  Mono<TenantView> hibernateTenant(@Argument String name, Authentication caller) {
    return commands.hibernate(caller.getName(), name);
  }

  @MutationMapping
  @PreAuthorize(ADMIN)
  Mono<TenantView> deleteTenant(@Argument String name, Authentication caller) {
    return commands.delete(caller.getName(), name);
  }

  @MutationMapping
  @PreAuthorize(ADMIN)
  Mono<IssuedToken> issueTenantToken(@Argument String tenant, @Argument String subject, @Argument List<String> roles,
      @Argument String ttl, Authentication caller) {
    return Mono.fromCallable(() -> new IssuedToken(
        commands.issueTenantToken(caller.getName(), tenant, subject, roles, ttl), tenant, subject, roles));
  }

  /** Tenant errors as GraphQL errors, with the offending field in {@code extensions.field}. */
  @org.springframework.stereotype.Component
  static class Errors extends DataFetcherExceptionResolverAdapter {
    @Override
    protected GraphQLError resolveToSingleError(Throwable ex, DataFetchingEnvironment env) {
      return ex instanceof TenantException e ? error(e, GraphqlErrorBuilder.newError(env)) : null;
    }
  }

  /** The same errors when a subscription fails, for example on a tenant that does not exist. */
  @org.springframework.stereotype.Component
  static class SubscriptionErrors extends SubscriptionExceptionResolverAdapter {
    @Override
    protected GraphQLError resolveToSingleError(Throwable ex) {
      return ex instanceof TenantException e ? error(e, GraphqlErrorBuilder.newError()) : null;
    }
  }

  static GraphQLError error(TenantException e, GraphqlErrorBuilder<?> builder) {
    ErrorType type = e instanceof TenantException.NotFound ? ErrorType.NOT_FOUND : ErrorType.BAD_REQUEST;
    String field = e instanceof TenantException.Invalid invalid ? invalid.field()
        : e instanceof TenantException.Conflict conflict ? conflict.field() : null;
    String code = e instanceof TenantException.NotFound ? "NOT_FOUND"
        : e instanceof TenantException.Invalid ? "INVALID_ARGUMENT" : "CONFLICT";
    return builder.errorType(type).message(e.getMessage())
        .extensions(field == null ? Map.of("code", code) : Map.of("code", code, "field", field)).build();
  }
}
