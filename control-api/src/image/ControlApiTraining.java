import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/**
 * The control API's AOT training (scripts/image-layout.sh): on a control plane of its own it
 * starts up to Ready (its informers synced), serves the console page and the OpenAPI document, and
 * refuses a GraphQL and a REST call without a token, so the classes of the first calls are in the
 * cache as well as those of the start.
 */
public final class ControlApiTraining {
  public static void main(String[] command) throws Exception {
    int http = TrainedProcess.freePort();
    int management = TrainedProcess.freePort();
    try (TrainedProcess.ControlPlane cluster = TrainedProcess.ControlPlane.start()) {
      try (TrainedProcess api = TrainedProcess.start(List.of(command), Map.of(
          "KUBECONFIG", cluster.kubeconfig(), "SERVER_PORT", String.valueOf(http),
          "MANAGEMENT_SERVER_PORT", String.valueOf(management)))) {
        api.awaitOk("http://127.0.0.1:" + management + "/actuator/health/readiness");
        api.awaitOk("http://127.0.0.1:" + http + "/");
        for (String path : List.of("/graphql", "/api/v1/tenants")) {
          HttpResponse<String> refused = api.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + path))
              .header("Content-Type", "application/json")
              .method(path.equals("/graphql") ? "POST" : "GET", HttpRequest.BodyPublishers.ofString("{\"query\":\"{ tenants { name } }\"}"))
              .build(), HttpResponse.BodyHandlers.ofString());
          System.out.println("training: " + path + " without a token: " + refused.statusCode());
        }
        api.awaitOk("http://127.0.0.1:" + management + "/actuator/prometheus");
      }
    }
  }
}
