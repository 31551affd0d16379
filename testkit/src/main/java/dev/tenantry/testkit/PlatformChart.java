package dev.tenantry.testkit;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Installs or upgrades the chart {@code helm/tenantry} with helm-java (Helm linked in, no helm
 * binary needed): the way scripts/up.sh and the end-to-end suite put the platform on a cluster.
 */
public final class PlatformChart {
  public static final String RELEASE = "tenantry";
  public static final String NAMESPACE = "tenantry-system";

  private PlatformChart() {}

  public static Path directory() {
    return TenantryCrds.checkout().resolve("helm/tenantry");
  }

  /** {@code helm upgrade --install tenantry helm/tenantry -n tenantry-system --create-namespace -f ...}. */
  public static Release installOrUpgrade(Path kubeconfig, List<Path> valuesFiles) {
    Path config = kubeconfig.toAbsolutePath();
    boolean installed = Helm.list().withKubeConfig(config).withNamespace(NAMESPACE).all().call().stream()
        .anyMatch(release -> release.getName().equals(RELEASE));
    // helm-java 0.0.15 drops the values of an `upgrade --install` that installs: install or upgrade explicitly
    if (installed) {
      var upgrade = new Helm(directory()).upgrade().withName(RELEASE).withNamespace(NAMESPACE).withKubeConfig(config);
      // Helm (linked in through helm-java) ignores a relative values path without a word
      valuesFiles.forEach(values -> upgrade.withValuesFile(values.toAbsolutePath()));
      return upgrade.call();
    }
    var install = new Helm(directory()).install().withName(RELEASE).withNamespace(NAMESPACE).createNamespace()
        .withKubeConfig(config);
    valuesFiles.forEach(values -> install.withValuesFile(values.toAbsolutePath()));
    return install.call();
  }

  /** Usage: {@code PlatformChart KUBECONFIG [VALUES.yaml ...]}; prints the chart's notes. */
  public static void main(String[] args) {
    if (args.length < 1 || !Files.isRegularFile(Path.of(args[0]))) {
      System.err.println("usage: PlatformChart KUBECONFIG [VALUES.yaml ...]");
      System.exit(2);
    }
    List<Path> values = Arrays.stream(args).skip(1).map(Path::of).toList();
    try {
      Release release = installOrUpgrade(Path.of(args[0]), values);
      System.out.printf("release %s in %s: %s (revision %s)%n", release.getName(), release.getNamespace(),
          release.getStatus(), release.getRevision());
    } catch (RuntimeException e) {
      System.err.println("helm: " + e.getMessage());
      System.exit(1);
    }
  }
}
