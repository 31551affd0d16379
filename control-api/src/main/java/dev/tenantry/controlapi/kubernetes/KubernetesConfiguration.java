package dev.tenantry.controlapi.kubernetes;

import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.backup.TenantBackup;
import dev.tenantry.crds.backup.TenantBackupSchedule;
import dev.tenantry.crds.backup.TenantRestore;
import dev.tenantry.crds.rollout.TenantRollout;
import dev.tenantry.crds.tenant.Tenant;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Kubernetes client (kubeconfig resolution as usual: in-cluster, {@code KUBECONFIG}) and
 * the informers whose caches serve every read, so listing and watching cost no API round trip.
 */
@Configuration(proxyBeanMethods = false)
public class KubernetesConfiguration {
  public static final String BY_INGRESS_HOST = "byIngressHost";
  /** Where the events of cluster-scoped objects such as Tenants are recorded. */
  public static final String EVENT_NAMESPACE = "default";

  @Bean(destroyMethod = "close")
  KubernetesClient kubernetesClient() {
    return new KubernetesClientBuilder().build();
  }

  @Bean(destroyMethod = "close")
  SharedIndexInformer<Tenant> tenantInformer(KubernetesClient client) {
    SharedIndexInformer<Tenant> informer = client.resources(Tenant.class).runnableInformer(0);
    informer.addIndexers(Map.of(BY_INGRESS_HOST, tenant -> Optional.ofNullable(tenant.getSpec())
        .map(spec -> spec.getIngress()).map(ingress -> ingress.getHost()).map(List::of).orElse(List.of())));
    informer.run();
    return informer;
  }

  @Bean(destroyMethod = "close")
  SharedIndexInformer<TenantPlan> planInformer(KubernetesClient client) {
    SharedIndexInformer<TenantPlan> informer = client.resources(TenantPlan.class).runnableInformer(0);
    informer.run();
    return informer;
  }

  @Bean(destroyMethod = "close")
  SharedIndexInformer<TenantRollout> rolloutInformer(KubernetesClient client) {
    SharedIndexInformer<TenantRollout> informer = client.resources(TenantRollout.class).runnableInformer(0);
    informer.run();
    return informer;
  }

  @Bean(destroyMethod = "close")
  SharedIndexInformer<TenantBackup> backupInformer(KubernetesClient client) {
    SharedIndexInformer<TenantBackup> informer = client.resources(TenantBackup.class).runnableInformer(0);
    informer.run();
    return informer;
  }

  @Bean(destroyMethod = "close")
  SharedIndexInformer<TenantRestore> restoreInformer(KubernetesClient client) {
    SharedIndexInformer<TenantRestore> informer = client.resources(TenantRestore.class).runnableInformer(0);
    informer.run();
    return informer;
  }

  @Bean(destroyMethod = "close")
  SharedIndexInformer<TenantBackupSchedule> backupScheduleInformer(KubernetesClient client) {
    SharedIndexInformer<TenantBackupSchedule> informer =
        client.resources(TenantBackupSchedule.class).runnableInformer(0);
    informer.run();
    return informer;
  }

  @Bean(destroyMethod = "close")
  SharedIndexInformer<Event> tenantEventInformer(KubernetesClient client) {
    SharedIndexInformer<Event> informer = client.v1().events().inNamespace(EVENT_NAMESPACE)
        .withField("involvedObject.kind", "Tenant").runnableInformer(0);
    informer.run();
    return informer;
  }
}
