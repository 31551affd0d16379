package dev.tenantry.bench;

import dev.tenantry.e2e.LocalCluster;
import dev.tenantry.operator.admission.IsolationWebhooks;
import dev.tenantry.operator.admission.WebhookCaBundle;
import dev.tenantry.operator.admission.WebhookSettings;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfigBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code operator/target/operator.jar} as its own process against a local control plane, as the
 * benchmarks run it: its HTTP port for readiness and metrics, and optionally its admission
 * webhooks registered with the API server by loopback URL (a cluster would use the chart's Service).
 */
final class OperatorProcess implements AutoCloseable {
  /** The local control plane's admin (scripts/cluster.sh), whom the operator runs as here. */
  static final String ADMIN_USER = "tenantry-admin";

  final Process process;
  final int port;
  final int webhookPort;

  private OperatorProcess(Process process, int port, int webhookPort) {
    this.process = process;
    this.port = port;
    this.webhookPort = webhookPort;
  }

  static OperatorProcess start(LocalCluster cluster, Path jar) throws IOException {
    return start(cluster, jar, "operator.log");
  }

  /** As {@link #start(LocalCluster, Path)}, logging to {@code logs/<log>} of the cluster's state. */
  static OperatorProcess start(LocalCluster cluster, Path jar, String log) throws IOException {
    int port = LocalCluster.freePort();
    int webhookPort = LocalCluster.freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // as in the chart's pod: a 512Mi limit and MaxRAMPercentage=50 give the heap 256 MiB
    List<String> command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC"));
    command.addAll(List.of(System.getProperty("bench.operator.jvm", "-Xmx256m").split("\\s+")));
    command.addAll(List.of("-jar", jar.toString()));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(cluster.state().resolve("logs").resolve(log).toFile());
    builder.environment().put("KUBECONFIG", cluster.kubeconfig().toString());
    builder.environment().put("TENANTRY_LEADER_ELECTION", "false");
    builder.environment().put("TENANTRY_OPERATOR_PORT", String.valueOf(port));
    builder.environment().put("TENANTRY_WEBHOOK_PORT", String.valueOf(webhookPort));
    builder.environment().put("TENANTRY_WEBHOOK_BIND_ADDRESS", "127.0.0.1");
    builder.environment().put("TENANTRY_OPERATOR_IDENTITY", ADMIN_USER);
    OperatorProcess operator = new OperatorProcess(builder.start(), port, webhookPort);
    operator.awaitReady();
    return operator;
  }

  /** Registers the tenant-isolation webhooks at this process's port and waits until the operator wrote the CA in. */
  void registerWebhooks(KubernetesClient client) throws InterruptedException {
    client.resource(IsolationWebhooks.configuration(WebhookSettings.DEFAULT_CONFIGURATION, path ->
        new WebhookClientConfigBuilder().withUrl("https://127.0.0.1:" + webhookPort + path).build()))
        .serverSideApply();
    String pem = client.configMaps().inNamespace("tenantry-system").withName("tenantry-ca").get().getData().get("ca.crt");
    String bundle = Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!WebhookCaBundle.inStep(client.admissionRegistration().v1().validatingWebhookConfigurations()
        .withName(WebhookSettings.DEFAULT_CONFIGURATION).get(), bundle)) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("the operator did not write the CA into the webhook configuration");
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  String metrics() throws IOException, InterruptedException {
    return get("/metrics");
  }

  /** The operator's own API writes so far, from its {@code metrics()}. */
  static long writes(String metrics) {
    return (long) metrics.lines().filter(l -> l.startsWith("tenantry_operator_api_writes_total{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** What the control API would have done before the operator's first tenant: an (empty) platform JWKS published. */
  static void publishJwks(KubernetesClient client) {
    client.resource(new NamespaceBuilder().withNewMetadata().withName("tenantry-system").endMetadata().build())
        .serverSideApply();
    client.resource(new SecretBuilder().withNewMetadata().withName("tenantry-jwks").withNamespace("tenantry-system")
        .endMetadata().withData(Map.of("jwks.json", Base64.getEncoder().encodeToString(
            "{\"keys\":[]}".getBytes(StandardCharsets.UTF_8)))).build()).serverSideApply();
  }

  private void awaitReady() throws IOException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (Instant.now().isBefore(deadline)) {
      try {
        get("/readyz");
        return;
      } catch (IOException | IllegalStateException notYet) {
        try {
          TimeUnit.MILLISECONDS.sleep(300);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    throw new IllegalStateException("operator not ready within 90 s");
  }

  private String get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(path + " answered " + response.statusCode());
    }
    return response.body();
  }

  long pid() {
    return process.pid();
  }

  /** Runs a full collection in the process, so the heap it reports next is what it keeps alive. */
  void collectGarbage() throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process gc = new ProcessBuilder(jcmd, String.valueOf(pid()), "GC.run").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!gc.waitFor(60, TimeUnit.SECONDS)) {
      gc.destroyForcibly();
      throw new IllegalStateException("jcmd GC.run did not finish");
    }
  }

  /** The class histogram of live objects (jcmd GC.class_histogram), its first {@code lines} lines. */
  String heapHistogram(int lines) throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process histogram = new ProcessBuilder(jcmd, String.valueOf(pid()), "GC.class_histogram")
        .redirectErrorStream(true).start();
    String out = new String(histogram.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    histogram.waitFor(60, TimeUnit.SECONDS);
    return out.lines().limit(lines).reduce("", (a, b) -> a + b + "\n");
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
