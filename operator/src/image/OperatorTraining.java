import java.util.List;
import java.util.Map;

/**
 * The operator's AOT training (scripts/image-layout.sh): on a control plane of its own it starts,
 * syncs its informers (Ready), and reconciles one Tenant as far as a cluster without a node lets
 * it, so the classes of its first reconcile are in the cache and not only those of its start.
 */
public final class OperatorTraining {
  public static void main(String[] command) throws Exception {
    int port = TrainedProcess.freePort();
    try (TrainedProcess.ControlPlane cluster = TrainedProcess.ControlPlane.start()) {
      try (TrainedProcess operator = TrainedProcess.start(List.of(command), Map.of(
          "KUBECONFIG", cluster.kubeconfig(), "TENANTRY_OPERATOR_PORT", String.valueOf(port),
          // a single operator: with leader election it does not always exit on SIGTERM (issue 26)
          "TENANTRY_LEADER_ELECTION", "false",
          "TENANTRY_WEBHOOK_PORT", String.valueOf(TrainedProcess.freePort()),
          "TENANTRY_BACKUP_DIR", TrainedProcess.scratch("backups").toString()))) {
        operator.awaitOk("http://127.0.0.1:" + port + "/readyz");
        cluster.apply("""
            apiVersion: tenantry.dev/v1alpha1
            kind: Tenant
            metadata: {name: training}
            spec: {displayName: Training, plan: free, owners: [{kind: User, name: training@tenantry.dev}]}
            """);
        cluster.awaitObject("namespace", "tenant-training");
        operator.awaitOk("http://127.0.0.1:" + port + "/metrics");
      }
    }
  }
}
