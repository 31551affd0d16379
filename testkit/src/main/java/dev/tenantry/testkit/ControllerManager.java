package dev.tenantry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real kube-controller-manager against a test API server, running only the controllers a
 * test names: kube-api-test starts no controllers, so without this, for example, the aggregated
 * ClusterRole {@code admin} that tenant owners are bound to has no rules at all.
 */
public final class ControllerManager implements AutoCloseable {

  private final Process process;
  private final Path directory;

  private ControllerManager(Process process, Path directory) {
    this.process = process;
    this.directory = directory;
  }

  /** Starts the named controllers (e.g. {@code clusterrole-aggregation}) as the test's admin. */
  public static ControllerManager start(KubeApiServer server, List<String> controllers) {
    try {
      Path directory = Files.createTempDirectory("kube-controller-manager");
      Path kubeconfig = server.writeKubeConfig(directory.resolve("kubeconfig"));
      Process process = new ProcessBuilder(KubeBinaries.binary("kube-controller-manager").toString(),
          "--kubeconfig", kubeconfig.toString(),
          "--controllers", String.join(",", controllers),
          "--leader-elect=false", "--port", "0", "--secure-port", "0")
          .redirectErrorStream(true)
          .redirectOutput(directory.resolve("kube-controller-manager.log").toFile())
          .start();
      return new ControllerManager(process, directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Its log, for a failing test's message. */
  public Path log() {
    return directory.resolve("kube-controller-manager.log");
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
