package dev.tenantry.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts a real etcd and kube-apiserver once for the annotated test class and injects a
 * {@link io.fabric8.kubernetes.client.KubernetesClient} or {@link KubeApiServer} parameter.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KubeApiServerExtension.class)
public @interface WithKubeApiServer {
  /** Install the Tenantry CRDs (from the checkout's {@code crds/}) before the first test. */
  boolean installCrds() default true;

  /**
   * Controllers of the real kube-controller-manager to run beside the API server, e.g.
   * {@code clusterrole-aggregation} (which gives the aggregated {@code admin}, {@code edit} and
   * {@code view} roles their rules); none by default.
   */
  String[] controllers() default {};
}
