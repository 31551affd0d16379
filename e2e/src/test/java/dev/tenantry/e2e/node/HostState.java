package dev.tenantry.e2e.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What a local node may change on this machine and must put back: iptables rules, network
 * links, loopback addresses, local routes, mounts, sysctls and the paths kubelet writes anyway.
 */
record HostState(String iptables, String links, String loopback, String localRoutes, String mounts,
    Map<String, String> sysctls, Map<String, Boolean> paths) {

  static final List<String> SYSCTLS = List.of("kernel.panic", "kernel.panic_on_oops", "vm.overcommit_memory",
      "vm.panic_on_oom", "kernel.keys.root_maxkeys", "kernel.keys.root_maxbytes", "net.ipv4.ip_forward",
      "net.ipv4.conf.all.route_localnet", "net.bridge.bridge-nf-call-iptables");
  static final List<String> PATHS = List.of("/var/log/pods", "/var/log/containers", "/var/lib/kubelet",
      "/run/containerd", "/var/lib/cni", "/run/netns");

  static HostState capture() {
    Map<String, String> sysctls = new TreeMap<>();
    for (String name : SYSCTLS) {
      Path file = Path.of("/proc/sys", name.replace('.', '/'));
      sysctls.put(name, Files.exists(file) ? read(file) : "(absent)");
    }
    Map<String, Boolean> paths = new TreeMap<>();
    PATHS.forEach(p -> paths.put(p, Files.exists(Path.of(p))));
    return new HostState(
        run("iptables-save").lines().filter(l -> !l.startsWith("#")).map(l -> l.replaceAll("\\[\\d+:\\d+]", ""))
            .reduce("", (a, b) -> a + b + "\n"),
        run("ip", "-o", "link", "show").lines().map(l -> l.split(":")[1].trim()).sorted()
            .reduce("", (a, b) -> a + b + "\n"),
        run("ip", "-o", "addr", "show", "dev", "lo"),
        run("ip", "route", "show", "table", "local"),
        read(Path.of("/proc/self/mounts")).lines().map(l -> l.split(" ")[1]).sorted()
            .reduce("", (a, b) -> a + b + "\n"),
        sysctls, paths);
  }

  static String run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(30, TimeUnit.SECONDS);
      return output;
    } catch (IOException e) {
      return "(" + String.join(" ", command) + " failed: " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }
}
