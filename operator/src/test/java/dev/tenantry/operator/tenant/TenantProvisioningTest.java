package dev.tenantry.operator.tenant;

import static dev.tenantry.operator.OperatorFixture.await;
import static dev.tenantry.operator.OperatorFixture.condition;
import static dev.tenantry.operator.OperatorFixture.markRuntimeReady;
import static dev.tenantry.operator.OperatorFixture.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.StorageType;
import dev.tenantry.crds.tenant.DeletionPolicy;
import dev.tenantry.crds.tenant.IngressSpec;
import dev.tenantry.crds.tenant.Owner;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.StorageSpec;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import dev.tenantry.operator.OperatorFixture;
import dev.tenantry.operator.TenantryOperator;
import dev.tenantry.operator.pki.CertificateAuthority;
import dev.tenantry.operator.pki.ServingCertificate;
import dev.tenantry.testkit.TenantryCrds;
import dev.tenantry.testkit.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator in-process against a real API server: what one Tenant turns into. */
@WithKubeApiServer
class TenantProvisioningTest {

  static TenantryOperator operator;

  @BeforeAll
  static void startOperator(KubernetesClient client) {
    TenantryCrds.installExamplePlans(client);
    OperatorFixture.publishJwks(client, OperatorFixture.JWKS);
    operator = TenantryOperator.start(OperatorFixture.config(), client, Clock.systemUTC());
  }

  @AfterAll
  static void stopOperator() {
    if (operator != null) {
      operator.close();
    }
  }

  static Tenant tenant(String name, String plan) {
    Tenant tenant = new Tenant();
    tenant.setMetadata(new ObjectMetaBuilder().withName(name).build());
    TenantSpec spec = new TenantSpec();
    spec.setPlan(plan);
    tenant.setSpec(spec);
    return tenant;
  }

  @Test
  void aTenantBecomesANamespaceWithEveryDependentOwnedByIt(KubernetesClient client) {
    Tenant tenant = tenant("alpha", "free");
    tenant.getSpec().setDisplayName("Alpha");
    tenant.getSpec().setOwners(List.of(new Owner(Owner.Kind.User, "alice@alpha.example"),
        new Owner(Owner.Kind.Group, "alpha-admins")));
    tenant.getSpec().setIngress(new IngressSpec("alpha.tenants.example.com"));
    Tenant created = client.resource(tenant).create();

    Tenant provisioned = waitFor(client, "alpha", t -> t.getStatus() != null
        && t.getStatus().condition("RuntimeReady").map(c -> "WaitingForPods".equals(c.getReason())).orElse(false));
    assertThat(provisioned.getStatus().getPhase()).isEqualTo(Phase.Provisioning);
    assertThat(provisioned.getStatus().getNamespace()).isEqualTo("tenant-alpha");
    assertThat(provisioned.getStatus().condition("RuntimeReady")).hasValueSatisfying(c -> {
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("WaitingForPods");
      assertThat(c.getMessage()).startsWith("waiting for runtime pods");
    });
    for (String type : List.of("PlanResolved", "NamespaceReady", "CredentialsReady", "DatabaseReady")) {
      assertThat(condition(provisioned, type)).as(type).hasValue("True");
    }
    assertThat(provisioned.getStatus().getProvisioning().getCompletedSteps()).isEqualTo(4);
    assertThat(provisioned.getStatus().getProvisioning().getTotalSteps()).isEqualTo(5);
    assertThat(provisioned.getStatus().getEndpoints().getRest()).isEqualTo("https://alpha.tenants.example.com/api/v1");

    String ns = "tenant-alpha";
    Namespace namespace = client.namespaces().withName(ns).get();
    assertThat(namespace.getMetadata().getLabels())
        .containsEntry("tenantry.dev/tenant", "alpha")
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    assertOwnedBy(namespace, created);

    var quota = client.resourceQuotas().inNamespace(ns).withName("tenant-quota").get();
    assertThat(quota.getSpec().getHard().get("limits.cpu").toString()).isEqualTo("1");
    assertThat(quota.getSpec().getHard().get("pods").toString()).isEqualTo("4");
    assertOwnedBy(quota, created);
    assertOwnedBy(client.limitRanges().inNamespace(ns).withName("tenant-limits").get(), created);

    NetworkPolicy policy = client.network().v1().networkPolicies().inNamespace(ns).withName("tenant-isolation").get();
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    assertOwnedBy(policy, created);

    assertThat(client.serviceAccounts().inNamespace(ns).withName("tenant-runtime").get()
        .getAutomountServiceAccountToken()).isFalse();
    var owners = client.rbac().roleBindings().inNamespace(ns).withName("tenant-owners").get();
    assertThat(owners.getRoleRef().getName()).isEqualTo("admin");
    assertThat(owners.getSubjects()).extracting(s -> s.getKind() + ":" + s.getName())
        .containsExactly("User:alice@alpha.example", "Group:alpha-admins");

    ConfigMap config = client.configMaps().inNamespace(ns).withName("tenant-config").get();
    assertThat(config.getData()).containsEntry("tenant", "alpha").containsEntry("jwks.json", OperatorFixture.JWKS)
        .containsEntry("features", "rest,graphql,websocket");

    Secret tls = client.secrets().inNamespace(ns).withName("runtime-tls").get();
    ServingCertificate certificate = new ServingCertificate(decode(tls, "tls.crt"), decode(tls, "tls.key"),
        decode(tls, "ca.crt"));
    Secret caSecret = client.secrets().inNamespace(OperatorFixture.PLATFORM_NAMESPACE).withName("tenantry-ca").get();
    CertificateAuthority ca = CertificateAuthority.fromPem(decode(caSecret, "tls.crt"), decode(caSecret, "tls.key"));
    assertThat(ca.signed(certificate.certificate())).isTrue();
    assertThat(certificate.dnsNames()).contains("runtime.tenant-alpha.svc", "alpha.tenants.example.com");

    assertThat(client.persistentVolumeClaims().inNamespace(ns).withName("data").get()).isNotNull();
    Deployment deployment = client.apps().deployments().inNamespace(ns).withName("runtime").get();
    var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("tenantry/tenant-runtime:0.1.0");
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertOwnedBy(deployment, created);
    assertThat(client.services().inNamespace(ns).withName("runtime").get().getSpec().getPorts())
        .extracting(p -> p.getPort()).containsExactly(8080, 9090);
    assertThat(client.network().v1().ingresses().inNamespace(ns).withName("runtime").get().getSpec().getRules()
        .get(0).getHost()).isEqualTo("alpha.tenants.example.com");

    markRuntimeReady(client, "alpha");
    Tenant ready = waitFor(client, "alpha", t -> t.getStatus().getPhase() == Phase.Ready);
    assertThat(condition(ready, "Ready")).hasValue("True");
    assertThat(ready.getStatus().getProvisioning().getCompletedSteps()).isEqualTo(5);
    assertThat(ready.getStatus().getRuntime().getReadyReplicas()).isEqualTo(1);
    assertThat(ready.getStatus().getObservedGeneration()).isEqualTo(ready.getMetadata().getGeneration());
  }

  static void assertOwnedBy(HasMetadata object, Tenant tenant) {
    assertThat(object).as("object exists").isNotNull();
    assertThat(object.getMetadata().getOwnerReferences())
        .extracting(OwnerReference::getUid, OwnerReference::getKind)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(tenant.getMetadata().getUid(), "Tenant"));
  }

  static String decode(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }
}
