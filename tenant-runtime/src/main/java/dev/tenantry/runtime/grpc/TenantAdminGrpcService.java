package dev.tenantry.runtime.grpc;

import dev.tenantry.runtime.grpc.v1.GetUsageRequest;
import dev.tenantry.runtime.grpc.v1.TenantAdminGrpc;
import dev.tenantry.runtime.grpc.v1.Usage;
import dev.tenantry.runtime.usage.UsageService;
import io.grpc.stub.StreamObserver;

/** {@code tenantry.runtime.v1.TenantAdmin}: what the control plane asks of a tenant. */
final class TenantAdminGrpcService extends TenantAdminGrpc.TenantAdminImplBase {
  private final UsageService usage;

  TenantAdminGrpcService(UsageService usage) {
    this.usage = usage;
  }

  @Override
  public void getUsage(GetUsageRequest request, StreamObserver<Usage> observer) {
    Reactive.unary(usage.usage(), u -> Usage.newBuilder().setProjects(u.projects()).setTasks(u.tasks())
        .setEvents(u.events()).setLiveSubscribers(u.liveSubscribers()).setStorageBytes(u.storageBytes())
        .setLastActivityUnixMillis(u.lastActivity().toEpochMilli()).build(),
        observer);
  }
}
