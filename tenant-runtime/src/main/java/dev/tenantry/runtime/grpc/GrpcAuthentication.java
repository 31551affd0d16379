package dev.tenantry.runtime.grpc;

import dev.tenantry.runtime.grpc.v1.PlatformBackupGrpc;
import dev.tenantry.runtime.grpc.v1.TenantAdminGrpc;
import dev.tenantry.runtime.security.Roles;
import dev.tenantry.runtime.security.TenantTokens;
import dev.tenantry.runtime.store.Actor;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Verifies the bearer token in the {@code authorization} metadata: UNAUTHENTICATED without a
 * valid token of this tenant, PERMISSION_DENIED when a viewer calls a writing method or a
 * non-admin asks for usage; {@code PlatformBackup} takes only the platform's backup role.
 * Health checks and reflection need no token.
 */
public final class GrpcAuthentication implements ServerInterceptor {
  static final Context.Key<Actor> ACTOR = Context.key("tenantry-actor");
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> CORRELATION =
      Metadata.Key.of("x-correlation-id", Metadata.ASCII_STRING_MARSHALLER);
  /** Services any caller may use without a token: health and reflection. */
  static final Set<String> OPEN_SERVICES = Set.of("grpc.health.v1.Health",
      "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");
  private static final Set<String> READ_METHODS = Set.of("GetProject", "ListProjects", "GetTask", "ListTasks",
      "ListComments", "WatchEvents");

  private final TenantTokens tokens;

  public GrpcAuthentication(TenantTokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String service = call.getMethodDescriptor().getServiceName();
    if (OPEN_SERVICES.contains(service)) {
      return next.startCall(call, headers);
    }
    String header = headers.get(AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription("missing bearer token in 'authorization' metadata"));
    }
    Jwt jwt;
    try {
      jwt = tokens.verify(header.substring(7).trim());
    } catch (JwtException e) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription(e.getMessage()));
    }
    List<String> roles = jwt.getClaimAsStringList(TenantTokens.ROLES_CLAIM);
    String method = call.getMethodDescriptor().getBareMethodName();
    if (PlatformBackupGrpc.SERVICE_NAME.equals(service)) {
      // the platform's own door: its role opens nothing else, and no tenant role opens it
      if (!roles.contains(Roles.PLATFORM_BACKUP)) {
        return refuse(call, Status.PERMISSION_DENIED.withDescription("PlatformBackup needs the "
            + Roles.PLATFORM_BACKUP + " role"));
      }
      return next.startCall(call, headers);
    }
    if ("GetUsage".equals(method) && TenantAdminGrpc.SERVICE_NAME.equals(service)
        && roles.contains(Roles.PLATFORM_OBSERVER)) {
      // the operator's idle check: it reads the counters and is not the tenant's activity
      return next.startCall(call, headers);
    }
    if (roles.stream().noneMatch(Roles.ALL::contains)) {
      return refuse(call, Status.PERMISSION_DENIED.withDescription("the tenant APIs need one of the roles " + Roles.ALL));
    }
    boolean admin = roles.contains(Roles.TENANT_ADMIN);
    boolean writer = roles.stream().anyMatch(Roles.WRITERS::contains);
    if ("GetUsage".equals(method) && !admin) {
      return refuse(call, Status.PERMISSION_DENIED.withDescription("GetUsage needs the tenant-admin role"));
    }
    if (!READ_METHODS.contains(method) && !"GetUsage".equals(method) && !writer) {
      return refuse(call, Status.PERMISSION_DENIED.withDescription(method + " writes; it needs " + Roles.WRITERS));
    }
    String correlation = headers.get(CORRELATION);
    Actor actor = new Actor(jwt.getSubject(), correlation == null ? UUID.randomUUID().toString() : correlation);
    return Contexts.interceptCall(Context.current().withValue(ACTOR, actor), call, headers, next);
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() { };
  }
}
