package dev.tenantry.runtime.grpc;

import dev.tenantry.runtime.grpc.v1.PlatformBackupGrpc;
import dev.tenantry.runtime.grpc.v1.TenantAdminGrpc;
import dev.tenantry.runtime.usage.ActivityClock;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Records the tenant's gRPC calls as activity; it sits inside the authentication interceptor,
 * so refused calls do not count, and health, reflection, {@code TenantAdmin} and
 * {@code PlatformBackup} (the platform's calls) are left out.
 */
final class ActivityInterceptor implements ServerInterceptor {
  private final ActivityClock activity;

  ActivityInterceptor(ActivityClock activity) {
    this.activity = activity;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String service = call.getMethodDescriptor().getServiceName();
    if (!TenantAdminGrpc.SERVICE_NAME.equals(service) && !PlatformBackupGrpc.SERVICE_NAME.equals(service)
        && !GrpcAuthentication.OPEN_SERVICES.contains(service)) {
      activity.record();
    }
    return next.startCall(call, headers);
  }
}
