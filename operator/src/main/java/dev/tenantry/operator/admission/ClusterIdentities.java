package dev.tenantry.operator.admission;

import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import java.util.List;
import java.util.Set;

/** Who may act on the platform's objects: the operator itself and the cluster's own controllers and nodes. */
final class ClusterIdentities {

  /** Identities of the control plane's own components, whatever their credentials mode. */
  private static final Set<String> CONTROL_PLANE_USERS = Set.of("system:kube-controller-manager",
      "system:kube-scheduler");
  private static final String CONTROLLER_ACCOUNTS = "system:serviceaccount:kube-system:";
  private static final String NODES_GROUP = "system:nodes";

  private ClusterIdentities() {}

  /** Whether {@code user} is the operator ({@code operatorIdentity}), a control-plane component or a node. */
  static boolean trusted(UserInfo user, String operatorIdentity) {
    if (user == null || user.getUsername() == null) {
      return false;
    }
    String name = user.getUsername();
    List<String> groups = user.getGroups() == null ? List.of() : user.getGroups();
    return name.equals(operatorIdentity) || CONTROL_PLANE_USERS.contains(name) || name.startsWith(CONTROLLER_ACCOUNTS)
        || groups.contains(NODES_GROUP);
  }

  static String describe(UserInfo user) {
    return user == null || user.getUsername() == null ? "an anonymous user" : user.getUsername();
  }
}
