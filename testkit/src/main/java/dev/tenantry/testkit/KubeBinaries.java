package dev.tenantry.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the cached Kubernetes binaries are, and a clear failure when they are not there. */
public final class KubeBinaries {

  private KubeBinaries() {}

  public static String version() {
    return System.getProperty("tenantry.kube.version", "1.20.2");
  }

  /** Folder fabric8's kube-api-test reads its binaries from. */
  public static Path kubeApiTestDir() {
    return Path.of(System.getProperty("user.home"), ".kubeapitest", "k8s", version() + "-linux-amd64");
  }

  /** Folder {@code scripts/kube-binaries.sh} builds every binary into. */
  public static Path cacheBin() {
    String override = System.getenv("TENANTRY_KUBE_CACHE");
    Path cache =
        override != null
            ? Path.of(override)
            : Path.of(System.getProperty("user.home"), ".cache", "tenantry", "kube", version());
    return cache.resolve("bin");
  }

  public static Path binary(String name) {
    Path path = cacheBin().resolve(name);
    require(List.of(path));
    return path;
  }

  static void requireForKubeApiTest() {
    Path dir = kubeApiTestDir();
    require(List.of(dir.resolve("kube-apiserver"), dir.resolve("etcd"), dir.resolve("kubectl")));
  }

  private static void require(List<Path> paths) {
    for (Path path : paths) {
      if (!Files.isExecutable(path)) {
        throw new IllegalStateException(
            "Kubernetes "
                + version()
                + " test binary missing: "
                + path
                + ". Run scripts/kube-binaries.sh (scripts/test.sh does it for you) to build and cache them.");
      }
    }
  }
}
