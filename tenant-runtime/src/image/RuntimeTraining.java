import dev.tenantry.runtime.grpc.v1.CreateTaskRequest;
import dev.tenantry.runtime.grpc.v1.GetTaskRequest;
import dev.tenantry.runtime.grpc.v1.ListProjectsRequest;
import dev.tenantry.runtime.grpc.v1.ProjectServiceGrpc;
import dev.tenantry.runtime.grpc.v1.TaskServiceGrpc;
import dev.tenantry.runtime.grpc.v1.WatchEventsRequest;
import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tenant runtime's AOT training (scripts/image-layout.sh): starts it as its pod does, with
 * gRPC on TLS and every API on, and calls each API once the way clients do (REST reads and writes,
 * a GraphQL query and mutation, gRPC unary and streaming calls, the events WebSocket and a
 * GraphQL subscription, the probes and the metrics scrape), so the classes of a tenant's first
 * calls are in the cache, not only those of the start.
 */
public final class RuntimeTraining {
  private static final Pattern DEV_TOKEN = Pattern.compile("dev token: (\\S+)");
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

  public static void main(String[] command) throws Exception {
    Path data = TrainedProcess.scratch("runtime");
    Path cert = data.resolve("tls.crt");
    Path key = data.resolve("tls.key");
    new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout", key.toString(), "-out", cert.toString()).inheritIO().start().waitFor();
    int http = TrainedProcess.freePort();
    int grpc = TrainedProcess.freePort();
    int management = TrainedProcess.freePort();
    try (TrainedProcess runtime = TrainedProcess.start(List.of(command), Map.of(
        "TENANTRY_DEV_MODE", "true", "TENANTRY_TENANT", "training", "TENANTRY_DATA_DIR", data.resolve("data").toString(),
        "TENANTRY_TLS_CERT", cert.toString(), "TENANTRY_TLS_KEY", key.toString(),
        "SERVER_PORT", String.valueOf(http), "TENANTRY_GRPC_PORT", String.valueOf(grpc),
        "MANAGEMENT_SERVER_PORT", String.valueOf(management)))) {
      String base = "http://127.0.0.1:" + http;
      runtime.awaitOk("http://127.0.0.1:" + management + "/actuator/health/readiness");
      String token = runtime.awaitLog(DEV_TOKEN);
      Calls calls = new Calls(runtime, token);

      String project = id(calls.send("POST", base + "/api/v1/projects", "{\"name\":\"Training\"}", 201));
      String task = id(calls.send("POST", base + "/api/v1/projects/" + project + "/tasks",
          "{\"title\":\"First\",\"description\":\"made by the training run\"}", 201));
      calls.send("GET", base + "/api/v1/projects", null, 200);
      calls.send("GET", base + "/api/v1/tasks/" + task, null, 200);
      calls.send("GET", base + "/api/v1/projects/" + project + "/tasks", null, 200);
      calls.send("POST", base + "/api/v1/tasks/" + task + "/move", "{\"status\":\"IN_PROGRESS\",\"position\":0}", 200);
      calls.send("GET", base + "/api/v1/activity", null, 200);
      calls.send("POST", base + "/api/v1/projects", "{\"name\":\"\"}", 400); // problem+json
      calls.send("GET", base + "/api/v1/tasks/" + task, null, 401, false);

      calls.send("POST", base + "/graphql", """
          {"query":"query { projects { items { id name tasks { id title status } } nextCursor } }"}""", 200);
      calls.send("POST", base + "/graphql", """
          {"query":"mutation($p: ID!) { createTask(input: {projectId: $p, title: \\"Second\\"}) { id version } }",\
          "variables":{"p":"%s"}}""".formatted(project), 200);

      grpc(cert, grpc, token, project, task);
      webSockets(calls, http, token, project, base);

      calls.send("GET", "http://127.0.0.1:" + management + "/actuator/health/liveness", null, 200, false);
      calls.send("GET", "http://127.0.0.1:" + management + "/actuator/prometheus", null, 200, false);
      calls.send("GET", base + "/api/v1/openapi.json", null, 200, false);
    }
  }

  private static void grpc(Path cert, int port, String token, String project, String task) throws Exception {
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", port,
        TlsChannelCredentials.newBuilder().trustManager(cert.toFile()).build()).build();
    CallCredentials bearer = new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        applier.apply(headers);
      }
    };
    try {
      ProjectServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer)
          .listProjects(ListProjectsRequest.newBuilder().setPageSize(10).build());
      var tasks = TaskServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer);
      tasks.getTask(GetTaskRequest.newBuilder().setId(task).build());
      tasks.createTask(CreateTaskRequest.newBuilder().setProjectId(project).setTitle("Third").build());
      var events = tasks.withDeadlineAfter(2, TimeUnit.SECONDS)
          .watchEvents(WatchEventsRequest.newBuilder().setSince(0).setProjectId(project).build());
      events.next();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static void webSockets(Calls calls, int http, String token, String project, String base) throws Exception {
    Listener events = new Listener();
    WebSocket socket = calls.runtime.http.newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + http + "/ws/events?access_token=" + token), events)
        .get(10, TimeUnit.SECONDS);
    socket.sendText("{\"type\":\"subscribe\",\"projectId\":\"" + project + "\",\"since\":0}", true);
    events.next();
    socket.sendText("{\"type\":\"ping\"}", true);
    events.next();
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);

    Listener subscription = new Listener();
    WebSocket graphql = calls.runtime.http.newWebSocketBuilder().subprotocols("graphql-transport-ws")
        .header("Authorization", "Bearer " + token)
        .buildAsync(URI.create("ws://127.0.0.1:" + http + "/graphql"), subscription).get(10, TimeUnit.SECONDS);
    graphql.sendText("{\"type\":\"connection_init\",\"payload\":{\"Authorization\":\"Bearer " + token + "\"}}", true);
    subscription.next();
    graphql.sendText("""
        {"id":"1","type":"subscribe","payload":{"query":"subscription($p: ID!) { taskEvents(projectId: $p, since: 0) { sequence type } }","variables":{"p":"%s"}}}"""
        .formatted(project), true);
    subscription.next();
    graphql.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
  }

  private static String id(String json) {
    Matcher matcher = ID.matcher(json);
    if (!matcher.find()) {
      throw new IllegalStateException("no id in " + json);
    }
    return matcher.group(1);
  }

  /** HTTP calls with the dev token, each answer's status checked. */
  private record Calls(TrainedProcess runtime, String token) {
    String send(String method, String url, String body, int expected) throws Exception {
      return send(method, url, body, expected, true);
    }

    String send(String method, String url, String body, int expected, boolean authorized) throws Exception {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
          .header("Content-Type", "application/json");
      if (authorized) {
        request.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> answer = runtime.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != expected) {
        throw new IllegalStateException(method + " " + url + ": " + answer.statusCode() + " " + answer.body());
      }
      return answer.body();
    }
  }

  /** Hands each text message the socket receives to {@link #next()}. */
  private static final class Listener implements WebSocket.Listener {
    private final java.util.concurrent.BlockingQueue<String> messages = new java.util.concurrent.LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        messages.add(partial.toString());
        partial.setLength(0);
      }
      socket.request(1);
      return CompletableFuture.completedFuture(null);
    }

    String next() throws InterruptedException {
      String message = messages.poll(10, TimeUnit.SECONDS);
      if (message == null) {
        throw new IllegalStateException("no WebSocket message within 10 s");
      }
      System.out.println("training: ws " + message);
      return message;
    }
  }
}
