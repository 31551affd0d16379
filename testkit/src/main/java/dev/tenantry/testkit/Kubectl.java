package dev.tenantry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the cached kubectl against a kubeconfig, as a user at a terminal would, and keeps what it printed. */
public final class Kubectl {

  /** What one kubectl run printed, and how it ended. */
  public record Result(int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
      return exitCode == 0;
    }
  }

  private final Path kubeconfig;

  public Kubectl(Path kubeconfig) {
    this.kubeconfig = kubeconfig;
  }

  /** {@code kubectl <args>} with {@code stdin} (may be empty), within a minute. */
  public Result run(String stdin, String... args) {
    // discovery cached beside the kubeconfig: the default cache is keyed by host and port, and a
    // test API server on a port an earlier one used would be answered with that one's kinds
    List<String> command = new ArrayList<>(List.of(KubeBinaries.binary("kubectl").toString(),
        "--kubeconfig", kubeconfig.toString(),
        "--cache-dir", kubeconfig.toAbsolutePath().resolveSibling("kubectl-cache").toString()));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).start();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      try (var in = process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish within a minute");
      }
      return new Result(process.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(java.io.InputStream stream) {
    try (stream) {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
