package dev.tenantry.testkit;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A real etcd + kube-apiserver pair on free loopback ports, from the cached test binaries. */
public final class KubeApiServer implements AutoCloseable {

  private final KubeAPIServer server;
  private final String kubeConfigYaml;

  private KubeApiServer(KubeAPIServer server) {
    this.server = server;
    this.kubeConfigYaml = server.getKubeConfigYaml();
  }

  /** Starts etcd and the API server; fails with the script to run when binaries are missing. */
  public static KubeApiServer start() {
    String version = KubeBinaries.version();
    KubeBinaries.requireForKubeApiTest();
    KubeAPIServer server =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withApiServerVersion(version)
                .withUpdateKubeConfig(false)
                .withStartupTimeout(60_000)
                .build());
    server.start();
    return new KubeApiServer(server);
  }

  public String kubeConfigYaml() {
    return kubeConfigYaml;
  }

  public Config config() {
    return Config.fromKubeconfig(kubeConfigYaml);
  }

  /** A new client for this API server; the caller closes it. */
  public KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(config()).build();
  }

  /** A client that acts as {@code user} (and groups) through impersonation of the admin. */
  public KubernetesClient newImpersonatingClient(String user, List<String> groups) {
    Config config = config();
    config.setImpersonateUsername(user);
    config.setImpersonateGroups(groups.toArray(String[]::new));
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Writes the kubeconfig to a file, for processes (kubectl, an operator jar) that need one. */
  public Path writeKubeConfig(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, kubeConfigYaml);
      return file;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.stop();
  }
}
