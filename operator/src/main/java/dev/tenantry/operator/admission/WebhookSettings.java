package dev.tenantry.operator.admission;

import java.util.List;

/**
 * How the admission webhooks are served and who counts as the operator.
 *
 * @param port HTTPS port (0: any free one, for tests)
 * @param certificateNames names on the serving certificate: the webhook Service's DNS names and
 *     the loopback address (an API server on the same machine may call it by URL)
 * @param configurationName the ValidatingWebhookConfiguration whose {@code caBundle} the operator
 *     keeps equal to the platform CA
 * @param operatorIdentity the user name the operator's own API calls carry (its ServiceAccount)
 */
public record WebhookSettings(
    boolean enabled,
    String bindAddress,
    int port,
    int threads,
    List<String> certificateNames,
    String configurationName,
    String operatorIdentity) {

  public static final String DEFAULT_SERVICE = "tenantry-operator-webhook";
  public static final String DEFAULT_CONFIGURATION = "tenantry-tenant-isolation";

  public WebhookSettings {
    certificateNames = List.copyOf(certificateNames);
  }

  /** The DNS names of Service {@code service} in {@code namespace}, and 127.0.0.1. */
  public static List<String> namesOf(String service, String namespace) {
    return List.of(service + "." + namespace + ".svc", service + "." + namespace + ".svc.cluster.local",
        service + "." + namespace, "127.0.0.1");
  }
}
