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
}
