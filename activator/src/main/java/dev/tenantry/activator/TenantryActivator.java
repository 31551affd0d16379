package dev.tenantry.activator;

import dev.tenantry.activator.settings.ActivatorSettings;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import org.slf4j.LoggerFactory;

/** Starts the activator in the platform namespace with the in-cluster Kubernetes configuration. */
public final class TenantryActivator {
  private TenantryActivator() {}

  public static void main(String[] args) {
    ActivatorSettings settings = ActivatorSettings.fromEnvironment(System.getenv());
    KubernetesClient client = new KubernetesClientBuilder().build();
    Activator activator = Activator.start(settings, client, Clock.systemUTC());
    LoggerFactory.getLogger(TenantryActivator.class).info(
        "activator holding calls on HTTP {} and gRPC {} for up to {}, at most {} per tenant; health on {}",
        activator.httpPort(), activator.grpcPort(), settings.holdTimeout(), settings.maxHeldPerTenant(),
        activator.healthPort());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      activator.close();
      client.close();
    }));
    activator.awaitClosed();
  }
}
