package dev.tenantry.controlapi.usage;

import dev.tenantry.controlapi.ControlApiSettings;
import dev.tenantry.controlapi.keys.PlatformKeys;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.runtime.grpc.v1.GetUsageRequest;
import dev.tenantry.runtime.grpc.v1.TenantAdminGrpc;
import dev.tenantry.runtime.grpc.v1.Usage;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A tenant's live usage, asked of its runtime over gRPC ({@code TenantAdmin.GetUsage}) with a
 * short deadline, over TLS that trusts only the platform CA.
 */
@Component
public class TenantUsage implements DisposableBean {
  static final Duration DEADLINE = Duration.ofSeconds(2);

  private final SharedIndexInformer<Tenant> tenants;
  private final KubernetesClient client;
  private final PlatformKeys keys;
  private final String platformNamespace;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  public TenantUsage(SharedIndexInformer<Tenant> tenants, KubernetesClient client, PlatformKeys keys,
      ControlApiSettings settings) {
    this.tenants = tenants;
    this.client = client;
    this.keys = keys;
    this.platformNamespace = settings.namespace();
  }

  /** What a tenant's runtime reports; the error says why it could not be asked or did not answer. */
  public record UsageView(long projects, long tasks, long events, long liveSubscribers, long storageBytes,
      String lastActivity) {}

  /** Why there is no usage to show; the message is meant for the admin. */
  public static final class UsageUnavailable extends RuntimeException {
    public UsageUnavailable(String message) {
      super(message);
    }
  }

  public Mono<UsageView> of(String tenantName) {
    return Mono.fromCallable(() -> ask(tenantName)).subscribeOn(Schedulers.boundedElastic());
  }

  private UsageView ask(String tenantName) {
    Tenant tenant = tenants.getStore().getByKey(tenantName);
    if (tenant == null) {
      throw new UsageUnavailable("no tenant '" + tenantName + "'");
    }
    var runtime = tenant.getStatus() == null ? null : tenant.getStatus().getRuntime();
    if (runtime == null || runtime.getReadyReplicas() == null || runtime.getReadyReplicas() == 0) {
      throw new UsageUnavailable("no runtime of tenant '" + tenantName + "' is ready");
    }
    String authority = TenantryApi.runtimeServiceHost(tenantName);
    // without cluster DNS (and before it resolves) the Service's cluster IP still answers
    String address = runtime.getServiceIP() != null ? runtime.getServiceIP() : authority;
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + keys.tenantToken(tenantName, TenantryApi.CONTROL_API, List.of(TenantryApi.ROLE_TENANT_ADMIN), Duration.ofMinutes(1)));
    try {
      Usage usage = TenantAdminGrpc.newBlockingStub(channel(address, authority))
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
          .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .getUsage(GetUsageRequest.getDefaultInstance());
      // a runtime older than the field answers 0: unknown
      String lastActivity = usage.getLastActivityUnixMillis() == 0 ? null
          : java.time.Instant.ofEpochMilli(usage.getLastActivityUnixMillis()).toString();
      return new UsageView(usage.getProjects(), usage.getTasks(), usage.getEvents(), usage.getLiveSubscribers(),
          usage.getStorageBytes(), lastActivity);
    } catch (StatusRuntimeException e) {
      throw new UsageUnavailable("the runtime of tenant '" + tenantName + "' did not answer: "
          + e.getStatus().getCode() + (e.getStatus().getDescription() == null ? "" : " " + e.getStatus().getDescription()));
    }
  }

  private ManagedChannel channel(String address, String authority) {
    return channels.computeIfAbsent(address + "/" + authority, key -> {
      try {
        return NettyChannelBuilder.forAddress(address, TenantryApi.RUNTIME_GRPC_PORT)
            .sslContext(GrpcSslContexts.forClient().trustManager(new ByteArrayInputStream(platformCa())).build())
            .overrideAuthority(authority)
            .idleTimeout(5, TimeUnit.MINUTES)
            .build();
      } catch (SSLException e) {
        throw new UsageUnavailable("cannot set up TLS to tenant runtimes: " + e.getMessage());
      }
    });
  }

  private byte[] platformCa() {
    ConfigMap ca = client.configMaps().inNamespace(platformNamespace).withName(TenantryApi.CA_CONFIG_MAP).get();
    if (ca == null || ca.getData() == null || !ca.getData().containsKey(TenantryApi.CA_CERTIFICATE_KEY)) {
      throw new UsageUnavailable("the platform CA is not published yet (ConfigMap " + platformNamespace + "/"
          + TenantryApi.CA_CONFIG_MAP + "): is the operator running?");
    }
    return ca.getData().get(TenantryApi.CA_CERTIFICATE_KEY).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void destroy() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}
