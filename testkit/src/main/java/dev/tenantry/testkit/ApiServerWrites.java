package dev.tenantry.testkit;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes (creates, updates, patches, applies, deletes; refused ones too) as the API server
 * counts them itself in {@code apiserver_request_total}, whoever sent them.
 */
public final class ApiServerWrites {
  private static final Set<String> WRITE_VERBS = Set.of("POST", "PUT", "PATCH", "APPLY", "DELETE");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private ApiServerWrites() {}

  /** Every write so far. */
  public static long all(KubernetesClient client) {
    return count(client, labels -> true);
  }

  /**
   * Writes so far that change what the cluster holds: leader-election leases, Events and the
   * Endpoints the API server keeps re-asserting for itself are renewed on a timer by every
   * control-plane process and never fall quiet.
   */
  public static long content(KubernetesClient client) {
    return count(client, labels -> !Set.of("leases", "events", "endpoints").contains(labels.get("resource")));
  }

  /** Writes so far to one resource and subresource ({@code ""} for the object itself). */
  public static long to(KubernetesClient client, String resource, String subresource) {
    return count(client, labels -> resource.equals(labels.get("resource"))
        && subresource.equals(labels.get("subresource")));
  }

  private static long count(KubernetesClient client, Predicate<Map<String, String>> wanted) {
    return client.raw("/metrics").lines()
        .filter(line -> line.startsWith("apiserver_request_total{"))
        .filter(line -> {
          Map<String, String> labels = labels(line);
          return WRITE_VERBS.contains(labels.get("verb")) && wanted.test(labels);
        })
        .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static Map<String, String> labels(String line) {
    Map<String, String> labels = new HashMap<>();
    Matcher label = LABEL.matcher(line.substring(line.indexOf('{') + 1, line.lastIndexOf('}')));
    while (label.find()) {
      labels.put(label.group(1), label.group(2));
    }
    return labels;
  }
}
