package dev.tenantry.testkit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/**
 * The operator's ServiceAccount bound to exactly {@code operator/rbac/operator-rbac.yaml} (what
 * the chart installs), and a client acting as it, for tests that run the operator in-process.
 */
public final class OperatorServiceAccount {
  public static final String ACCOUNT = "tenantry-operator";

  private OperatorServiceAccount() {}

  public static KubernetesClient bind(KubeApiServer server, KubernetesClient admin, String namespace) {
    if (admin.namespaces().withName(namespace).get() == null) {
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
    }
    admin.resource(new ServiceAccountBuilder().withNewMetadata().withName(ACCOUNT).withNamespace(namespace)
        .endMetadata().build()).createOr(existing -> existing.update());
    try (InputStream rbac = Files.newInputStream(TenantryCrds.checkout().resolve("operator/rbac/operator-rbac.yaml"))) {
      for (HasMetadata object : admin.load(rbac).items()) {
        if ("Role".equals(object.getKind())) {
          object.getMetadata().setNamespace(namespace);
        }
        admin.resource(object).forceConflicts().serverSideApply();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    admin.resource(new ClusterRoleBindingBuilder().withNewMetadata().withName("tenantry-operator").endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
        .withName("tenantry-operator").endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName(ACCOUNT).withNamespace(namespace).endSubject()
        .build()).forceConflicts().serverSideApply();
    admin.resource(new RoleBindingBuilder().withNewMetadata().withName("tenantry-operator-leader-election")
        .withNamespace(namespace).endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role")
        .withName("tenantry-operator-leader-election").endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName(ACCOUNT).withNamespace(namespace).endSubject()
        .build()).forceConflicts().serverSideApply();
    return server.newImpersonatingClient("system:serviceaccount:" + namespace + ":" + ACCOUNT,
        List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated"));
  }
}
