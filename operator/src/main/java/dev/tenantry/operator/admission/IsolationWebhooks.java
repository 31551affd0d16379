package dev.tenantry.operator.admission;

import dev.tenantry.crds.TenantryApi;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperationsBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import java.util.List;
import java.util.function.Function;

/**
 * The ValidatingWebhookConfiguration that routes tenant namespaces' requests to the operator's
 * webhooks: which objects, which operations, fail closed. The Helm chart installs the same
 * configuration (a chart test compares the two); tests register it with a loopback URL.
 */
public final class IsolationWebhooks {

  public static final int TIMEOUT_SECONDS = 5;

  private IsolationWebhooks() {}

  /** The configuration, with each webhook's client config made from its path. */
  public static ValidatingWebhookConfiguration configuration(String name,
      Function<String, WebhookClientConfig> clientConfig) {
    return new ValidatingWebhookConfigurationBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withWebhooks(webhooks(clientConfig))
        .build();
  }

  /**
   * The webhooks: pods and workloads, Services, the platform's own objects and their
   * subresources, Ingresses, owners' NetworkPolicies, Endpoints, disruption budgets.
   */
  public static List<ValidatingWebhook> webhooks(Function<String, WebhookClientConfig> clientConfig) {
    return List.of(
        webhook("pods.tenantry.dev", clientConfig.apply(AdmissionWebhookServer.PODS_PATH), null,
            rule("", "pods", "pods/ephemeralcontainers", "replicationcontrollers"),
            rule("apps", "deployments", "replicasets", "statefulsets", "daemonsets"),
            rule("batch", "jobs", "cronjobs")),
        webhook("services.tenantry.dev", clientConfig.apply(AdmissionWebhookServer.SERVICES_PATH), null,
            rule("", "services")),
        webhook("platform-objects.tenantry.dev", clientConfig.apply(AdmissionWebhookServer.PLATFORM_OBJECTS_PATH),
            new LabelSelectorBuilder().addToMatchLabels(TenantryApi.MANAGED_BY_LABEL, TenantryApi.MANAGED_BY_VALUE)
                .build(),
            new RuleWithOperationsBuilder().withApiGroups("*").withApiVersions("*").withResources("*")
                .withOperations("CREATE", "UPDATE", "DELETE").withScope("Namespaced").build()),
        webhook("platform-subresources.tenantry.dev", clientConfig.apply(AdmissionWebhookServer.PLATFORM_SUBRESOURCES_PATH),
            null,
            new RuleWithOperationsBuilder().withApiGroups("").withApiVersions("*")
                .withResources("pods/exec", "pods/attach", "pods/portforward").withOperations("CONNECT")
                .withScope("Namespaced").build(),
            new RuleWithOperationsBuilder().withApiGroups("").withApiVersions("*")
                .withResources("pods/ephemeralcontainers", "replicationcontrollers/scale").withOperations("UPDATE")
                .withScope("Namespaced").build(),
            new RuleWithOperationsBuilder().withApiGroups("apps").withApiVersions("*")
                .withResources("deployments/scale", "replicasets/scale", "statefulsets/scale").withOperations("UPDATE")
                .withScope("Namespaced").build()),
        webhook("ingresses.tenantry.dev", clientConfig.apply(AdmissionWebhookServer.INGRESSES_PATH), null,
            versionedRule("networking.k8s.io", "v1", "ingresses")),
        webhook("networkpolicies.tenantry.dev", clientConfig.apply(AdmissionWebhookServer.NETWORK_POLICIES_PATH), null,
            versionedRule("networking.k8s.io", "v1", "networkpolicies")),
        webhook("endpoints.tenantry.dev", clientConfig.apply(AdmissionWebhookServer.ENDPOINTS_PATH), null,
            rule("", "endpoints"), rule("discovery.k8s.io", "endpointslices")),
        webhook("disruption-budgets.tenantry.dev", clientConfig.apply(AdmissionWebhookServer.DISRUPTION_BUDGETS_PATH),
            null, rule("policy", "poddisruptionbudgets")));
  }

  /**
   * A rule for one API version: with {@code matchPolicy: Equivalent} the API server converts a
   * request made in any other version of the resource (extensions/v1beta1 Ingresses on 1.20) to it.
   */
  private static RuleWithOperations versionedRule(String group, String version, String resource) {
    return new RuleWithOperationsBuilder().withApiGroups(group).withApiVersions(version).withResources(resource)
        .withOperations("CREATE", "UPDATE").withScope("Namespaced").build();
  }

  private static ValidatingWebhook webhook(String name, WebhookClientConfig clientConfig, LabelSelector objects,
      RuleWithOperations... rules) {
    return new ValidatingWebhookBuilder()
        .withName(name)
        .withClientConfig(clientConfig)
        .withRules(rules)
        .withNamespaceSelector(new LabelSelectorBuilder().addNewMatchExpression().withKey(TenantryApi.TENANT_LABEL)
            .withOperator("Exists").endMatchExpression().build())
        .withObjectSelector(objects == null ? new LabelSelector() : objects)
        .withFailurePolicy("Fail")
        .withMatchPolicy("Equivalent")
        .withSideEffects("None")
        .withTimeoutSeconds(TIMEOUT_SECONDS)
        .withAdmissionReviewVersions("v1")
        .build();
  }

  private static RuleWithOperations rule(String group, String... resources) {
    return new RuleWithOperationsBuilder().withApiGroups(group).withApiVersions("*").withResources(resources)
        .withOperations("CREATE", "UPDATE").withScope("Namespaced").build();
  }
}
