package dev.tenantry.e2e;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.tenantry.crds.StorageType;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.Hibernation;
import dev.tenantry.crds.tenant.StorageSpec;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import dev.tenantry.operator.OperatorConfig;
import dev.tenantry.operator.TenantryOperator;
import dev.tenantry.testkit.KubeApiServer;
import dev.tenantry.testkit.OperatorServiceAccount;
import dev.tenantry.testkit.TenantryCrds;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The platform as the suites on a node-less API server need it: the example plans, the control
 * API's published keys (its signing key kept here to sign users' tokens), the operator running
 * in-process as its ServiceAccount bound to exactly its RBAC file, and tenant runtimes as local
 * processes. Closing deletes every Tenant (with its database) before the runtimes stop.
 */
public record InProcessPlatform(KubernetesClient admin, ECKey controlApiKey, LocalRuntimes runtimes,
    TenantryOperator operator, TenantUsers users, KubeApiServer server, OperatorConfig operatorConfig)
    implements AutoCloseable {
  public static final String PLATFORM_NAMESPACE = "tenantry-system";

  /** Starts it on {@code server}; {@code operatorEnvironment} adds to (or replaces) the operator's defaults here. */
  public static InProcessPlatform start(KubeApiServer server, KubernetesClient admin, Path work,
      Map<String, String> operatorEnvironment) throws JOSEException {
    TenantryCrds.installExamplePlans(admin);
    ECKey controlApiKey = new ECKeyGenerator(Curve.P_256).keyID("control-api").generate();
    KubernetesClient asOperator = OperatorServiceAccount.bind(server, admin, PLATFORM_NAMESPACE);
    // what the control API does on start: publish its public keys
    admin.resource(new SecretBuilder().withNewMetadata().withName(TenantryApi.JWKS_SECRET)
            .withNamespace(PLATFORM_NAMESPACE).endMetadata()
            .withData(Map.of(TenantryApi.JWKS_KEY, Base64.getEncoder().encodeToString(
                new JWKSet(controlApiKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8)))).build())
        .forceConflicts().serverSideApply();
    LocalRuntimes runtimes = new LocalRuntimes(admin, work.resolve("runtimes"));
    Map<String, String> environment = new HashMap<>(Map.of(
        "TENANTRY_LEADER_ELECTION", "false",
        "TENANTRY_OPERATOR_PORT", "0",
        "TENANTRY_WEBHOOK_ENABLED", "false"));
    environment.putAll(operatorEnvironment);
    OperatorConfig config = OperatorConfig.fromEnvironment(environment);
    TenantryOperator operator = TenantryOperator.start(config, asOperator, Clock.systemUTC(), runtimes::grpc);
    return new InProcessPlatform(admin, controlApiKey, runtimes, operator, new TenantUsers(controlApiKey, runtimes),
        server, config);
  }

  /** The operator stopped and a new one started, as when its pod is replaced; the rest keeps running. */
  public InProcessPlatform withOperatorRestarted() {
    operator.close(); // closes its client too, as a pod's end would
    KubernetesClient asOperator = OperatorServiceAccount.bind(server, admin, PLATFORM_NAMESPACE);
    TenantryOperator restarted = TenantryOperator.start(operatorConfig, asOperator, Clock.systemUTC(), runtimes::grpc);
    return new InProcessPlatform(admin, controlApiKey, runtimes, restarted, users, server, operatorConfig);
  }

  /** A tenant on the pro plan (every API) with the given store and hibernation (null: none). */
  public void createTenant(String name, StorageType storage, Hibernation hibernation) {
    Tenant tenant = new Tenant();
    tenant.setMetadata(new ObjectMetaBuilder().withName(name).build());
    TenantSpec spec = new TenantSpec();
    spec.setPlan("pro");
    spec.setStorage(new StorageSpec(storage));
    spec.setHibernation(hibernation);
    tenant.setSpec(spec);
    admin.resource(tenant).create();
  }

  /**
   * The tenant once it has a phase and satisfies {@code until}; failing, the error shows its
   * status, its annotations and whether its runtime runs, which is what tells why.
   */
  public Tenant awaitTenant(String name, Predicate<Tenant> until) {
    try {
      return await().until(() -> admin.resources(Tenant.class).withName(name).get(),
          t -> t != null && t.getStatus() != null && t.getStatus().getPhase() != null && until.test(t));
    } catch (ConditionTimeoutException e) {
      Tenant tenant = admin.resources(Tenant.class).withName(name).get();
      throw new AssertionError("tenant " + name + " did not get there; it shows " + (tenant == null ? "nothing"
          : Serialization.asYaml(tenant.getStatus()) + "annotations " + tenant.getMetadata().getAnnotations())
          + "; runtime running: " + runtimes.isRunning(name), e);
    }
  }

  /** The wait every suite on this platform uses: long enough for a runtime's start on a loaded 2-core machine. */
  public static ConditionFactory await() {
    return Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250));
  }

  @Override
  public void close() {
    // tenants go with their databases; the runtimes stop after their tenants are gone
    admin.resources(Tenant.class).delete();
    await().until(() -> admin.resources(Tenant.class).list().getItems().isEmpty());
    operator.close();
    runtimes.close();
  }
}
