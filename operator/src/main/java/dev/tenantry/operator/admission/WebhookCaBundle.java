package dev.tenantry.operator.admission;

import dev.tenantry.operator.kube.SecretData;
import dev.tenantry.operator.pki.CertificateAuthority;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the tenant-isolation ValidatingWebhookConfiguration's {@code caBundle} equal to the
 * platform CA, which the operator owns: the chart installs the configuration without it, and
 * whenever the object appears or changes (an install, a {@code helm upgrade}) the CA goes back in.
 */
public final class WebhookCaBundle implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookCaBundle.class);

  private final SharedIndexInformer<ValidatingWebhookConfiguration> informer;

  private WebhookCaBundle(SharedIndexInformer<ValidatingWebhookConfiguration> informer) {
    this.informer = informer;
  }

  /** Watches configuration {@code name} and writes the CA into each of its webhooks that lacks it. */
  public static WebhookCaBundle keepInStep(KubernetesClient client, String name, CertificateAuthority ca) {
    String bundle = SecretData.encode(ca.certificatePem());
    var configurations = client.admissionRegistration().v1().validatingWebhookConfigurations().withName(name);
    SharedIndexInformer<ValidatingWebhookConfiguration> informer = configurations.inform(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(ValidatingWebhookConfiguration configuration) {
            apply(configuration);
          }

          @Override
          public void onUpdate(ValidatingWebhookConfiguration before, ValidatingWebhookConfiguration after) {
            apply(after);
          }

          @Override
          public void onDelete(ValidatingWebhookConfiguration configuration, boolean unknownFinalState) {}

          private void apply(ValidatingWebhookConfiguration configuration) {
            if (inStep(configuration, bundle)) {
              return;
            }
            try {
              configurations.edit(current -> {
                current.getWebhooks().forEach(webhook -> webhook.getClientConfig().setCaBundle(bundle));
                return current;
              });
              LOG.info("wrote the platform CA into ValidatingWebhookConfiguration {}", name);
            } catch (RuntimeException e) {
              // the next change of the object (or the next start) tries again
              LOG.warn("cannot write the platform CA into ValidatingWebhookConfiguration {}: {}", name, e.getMessage());
            }
          }
        }, 0);
    return new WebhookCaBundle(informer);
  }

  /** Whether every webhook of {@code configuration} carries {@code bundle} (base64 PEM) as its caBundle. */
  public static boolean inStep(ValidatingWebhookConfiguration configuration, String bundle) {
    List<ValidatingWebhook> webhooks = configuration.getWebhooks() == null ? List.of() : configuration.getWebhooks();
    return webhooks.stream().allMatch(w -> w.getClientConfig() != null
        && Objects.equals(bundle, w.getClientConfig().getCaBundle()));
  }

  @Override
  public void close() {
    informer.close();
  }
}
