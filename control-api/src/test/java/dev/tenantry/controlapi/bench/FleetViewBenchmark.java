package dev.tenantry.controlapi.bench;

import dev.tenantry.controlapi.ControlApiApplication;
import dev.tenantry.controlapi.ControlApiTestSupport;
import dev.tenantry.crds.tenant.RuntimeStatus;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import dev.tenantry.operator.tenant.ProvisioningStep;
import dev.tenantry.operator.tenant.StepOutcome;
import dev.tenantry.operator.tenant.TenantStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The control API and console over a large fleet: the fleet is grown to each size of
 * {@code -Dbench.sizes} (Tenants with the operator's own Ready status, written to a real
 * kube-apiserver), then the REST tenant list's first page and a filtered page are timed over
 * HTTP, and the console's fleet view is rendered in headless Chromium, from sign-in to its rows
 * and live feed. Run with {@code scripts/bench.sh fleet-view [SIZES...]}; not part of the suite.
 */
@Tag("benchmark")
@SpringBootTest(classes = ControlApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "management.server.port=0")
@ControlApiTestSupport.OnKubeApiServer
@DirtiesContext
class FleetViewBenchmark {
  private static final int REQUESTS = 300;

  @Autowired
  KubernetesClient client;

  @LocalServerPort
  int port;

  @Test
  void listAndRenderTheFleet(@TempDir Path profile) throws Exception {
    List<Integer> sizes = Arrays.stream(System.getProperty("bench.sizes", "1000").trim().split("[\\s,]+"))
        .map(Integer::parseInt).sorted().toList();
    String token = ControlApiTestSupport.adminToken(client);
    HttpClient http = HttpClient.newHttpClient();
    StringBuilder report = new StringBuilder(String.format(
        "| tenants | first page (50) p50 / p99 | filtered page (plan, phase) p50 / p99"
            + " | console: sign-in to first rows | console: sign-in to the whole fleet |%n"
            + "|---|---|---|---|---|%n"));
    int existing = 0;
    for (int size : sizes) {
      grow(existing, size);
      existing = size;
      awaitTotal(http, token, size);
      List<Long> firstPage = time(http, token, "/api/v1/tenants?limit=50");
      List<Long> filtered = time(http, token, "/api/v1/tenants?limit=50&plan=pro&phase=Ready");
      long[] render = renderFleet(profile.resolve("size-" + size), token, size);
      String row = String.format("| %d | %.1f / %.1f ms | %.1f / %.1f ms | %d ms | %d ms |%n", size,
          percentile(firstPage, 50) / 1000.0, percentile(firstPage, 99) / 1000.0,
          percentile(filtered, 50) / 1000.0, percentile(filtered, 99) / 1000.0, render[0], render[1]);
      report.append(row);
      System.out.println("FLEET VIEW, " + size + " TENANTS\n" + row);
    }
    Path out = Path.of("target/benchmarks/fleet-view.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report);
    System.out.println("FLEET VIEW BENCHMARK\n" + report);
  }

  /** Adds tenants {@code from..to-1}: every tenth on plan pro, each with the operator's Ready status. */
  private void grow(int from, int to) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    TenantStatusBuilder statuses = new TenantStatusBuilder(Clock.systemUTC());
    List<StepOutcome> done = Arrays.stream(ProvisioningStep.values())
        .map(step -> StepOutcome.done(step, "Done", step.name())).toList();
    CompletableFuture.allOf(IntStream.range(from, to).mapToObj(i -> CompletableFuture.runAsync(() -> {
      Tenant tenant = new Tenant();
      tenant.setMetadata(new ObjectMetaBuilder().withName("fleet-" + i).build());
      TenantSpec spec = new TenantSpec();
      spec.setPlan(i % 10 == 0 ? "pro" : "free");
      spec.setDisplayName("Fleet tenant " + i);
      tenant.setSpec(spec);
      Tenant created = client.resource(tenant).create();
      created.setStatus(statuses.build(created, done,
          Optional.of(new RuntimeStatus("tenantry/tenant-runtime:0.1.0", 1, 1)), Optional.empty(), false));
      client.resource(created).patchStatus();
    }, pool)).toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
    pool.shutdown();
  }

  private void awaitTotal(HttpClient http, String token, int size) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!get(http, token, "/api/v1/tenants?limit=1").contains("\"totalCount\":" + size)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the control API never saw " + size + " tenants");
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  /** Microseconds of {@link #REQUESTS} sequential GETs, after as many unmeasured ones. */
  private List<Long> time(HttpClient http, String token, String path) throws Exception {
    for (int i = 0; i < REQUESTS; i++) {
      get(http, token, path);
    }
    List<Long> micros = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      long start = System.nanoTime();
      get(http, token, path);
      micros.add((System.nanoTime() - start) / 1000);
    }
    return micros.stream().sorted().toList();
  }

  private String get(HttpClient http, String token, String path) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  /**
   * Milliseconds from the sign-in click to the fleet table's first rows with the live feed open,
   * and to the table accounting for all {@code size} tenants (the feed's snapshot applied).
   */
  private long[] renderFleet(Path profile, String token, int size) {
    WebDriver browser = ControlApiTestSupport.headlessChromium(profile);
    try {
      browser.get("http://127.0.0.1:" + port + "/");
      browser.findElement(By.id("token")).sendKeys(token);
      var wait = new WebDriverWait(browser, Duration.ofMinutes(5))
          .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
      long start = System.nanoTime();
      browser.findElement(By.cssSelector("#sign-in-form button")).click();
      wait.until(d -> !d.findElements(By.cssSelector("#tenants tbody tr")).isEmpty()
          && d.findElement(By.id("live")).getAttribute("class").contains("on"));
      long firstRows = (System.nanoTime() - start) / 1_000_000;
      wait.until(d -> d.findElement(By.id("shown")).getText().contains(" of " + size + " tenants")
          || d.findElements(By.cssSelector("#tenants tbody tr")).size() == size);
      return new long[] {firstRows, (System.nanoTime() - start) / 1_000_000};
    } finally {
      browser.quit();
    }
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
