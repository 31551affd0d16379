package dev.tenantry.testkit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Installs the committed CRD YAML of the checkout and the example manifests. */
public final class TenantryCrds {

  private TenantryCrds() {}

  /** Root of the source checkout (Surefire passes it; falls back to walking up from the cwd). */
  public static Path checkout() {
    String property = System.getProperty("tenantry.checkout");
    if (property != null && Files.isDirectory(Path.of(property, "crds"))) {
      return Path.of(property);
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("crds/tenants.tenantry.dev-v1.yaml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the checkout root (crds/tenants.tenantry.dev-v1.yaml)");
    }
    return dir;
  }

  /** The committed CRD files, {@code crds/*.yaml}. */
  public static List<Path> crdFiles() {
    try (Stream<Path> files = Files.list(checkout().resolve("crds"))) {
      return files.filter(p -> p.getFileName().toString().endsWith("-v1.yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Applies every CRD by server-side apply and waits until each is Established. */
  public static void install(KubernetesClient client) {
    for (Path file : crdFiles()) {
      CustomResourceDefinition crd = load(client, file, CustomResourceDefinition.class);
      client.resource(crd).forceConflicts().serverSideApply();
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(crd.getMetadata().getName())
          .waitUntilCondition(TenantryCrds::established, 30, TimeUnit.SECONDS);
    }
  }

  /** Applies the example TenantPlans ({@code crds/examples/plan-*.yaml}). */
  public static void installExamplePlans(KubernetesClient client) {
    try (Stream<Path> files = Files.list(checkout().resolve("crds/examples"))) {
      files
          .filter(p -> p.getFileName().toString().startsWith("plan-"))
          .sorted()
          .forEach(p -> client.load(open(p)).forceConflicts().serverSideApply());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static <T extends HasMetadata> T load(KubernetesClient client, Path file, Class<T> type) {
    try (InputStream in = Files.newInputStream(file)) {
      return client.getKubernetesSerialization().unmarshal(in, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream open(Path file) {
    try {
      return Files.newInputStream(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
