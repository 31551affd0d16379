import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The activator's AOT training (scripts/image-layout.sh): on a control plane of its own it starts
 * up to Ready (its informers synced) and takes one call on its hold port, refused as a call from
 * no known caller is, so the classes of a held call's first steps are in the cache too.
 */
public final class ActivatorTraining {
  public static void main(String[] command) throws Exception {
    int http = TrainedProcess.freePort();
    int grpc = TrainedProcess.freePort();
    int health = TrainedProcess.freePort();
    try (TrainedProcess.ControlPlane cluster = TrainedProcess.ControlPlane.start();
        TrainedProcess activator = TrainedProcess.start(List.of(command), Map.of(
            "KUBECONFIG", cluster.kubeconfig(), "TENANTRY_ACTIVATOR_HTTP_PORT", String.valueOf(http),
            "TENANTRY_ACTIVATOR_GRPC_PORT", String.valueOf(grpc),
            "TENANTRY_ACTIVATOR_HEALTH_PORT", String.valueOf(health)))) {
      activator.awaitOk("http://127.0.0.1:" + health + "/readyz");
      HttpResponse<String> refused = activator.http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + http + "/api/v1/projects")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      System.out.println("training: a call for no tenant: " + refused.statusCode() + " " + refused.body());
    }
  }
}
