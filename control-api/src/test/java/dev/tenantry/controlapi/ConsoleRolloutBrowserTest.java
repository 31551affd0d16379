package dev.tenantry.controlapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.rollout.TenantRollout;
import dev.tenantry.testkit.KubeApiServer;
import dev.tenantry.testkit.SimulatedRuntimePods;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A rollout from the console in headless Chromium, carried out by the real operator in-process:
 * start it from the form, watch its waves fill live, pause and resume it, then a failing one
 * that rolls back and names its failed tenant, and one aborted from its button. No kubelet runs
 * here: {@link SimulatedRuntimePods} reports the runtime pods (never ready for an image tagged
 * {@code broken}). Screenshots in {@code control-api/target/console-rollout*.png}.
 */
@SpringBootTest(classes = ControlApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "management.server.port=0")
@ControlApiTestSupport.OnKubeApiServer
@DirtiesContext
class ConsoleRolloutBrowserTest {
  static final List<String> TENANTS = List.of("web-a", "web-b", "web-c");

  @Autowired
  KubeApiServer server;

  @LocalServerPort
  int port;

  @Autowired
  KubernetesClient client;

  ControlApiTestSupport.InProcessOperator operator;
  SimulatedRuntimePods pods;
  WebDriver browser;
  org.openqa.selenium.support.ui.FluentWait<WebDriver> wait;

  @BeforeEach
  void start(@TempDir Path profile) {
    operator = ControlApiTestSupport.InProcessOperator.withSimulatedPods(server, image -> !image.endsWith(":broken"));
    pods = operator.pods();
    ControlApiTestSupport.createReadyTenants(client, "free", TENANTS);
    browser = ControlApiTestSupport.headlessChromium(profile);
    // the tables are re-rendered on every live update: an element found a moment ago may be gone
    wait = new WebDriverWait(browser, Duration.ofSeconds(60)).ignoring(StaleElementReferenceException.class);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    operator.close();
  }

  @Test
  void anAdminRollsTheFleetOutPausesItAndSeesAFailedRolloutRollBack() throws Exception {
    signIn();
    TENANTS.forEach(pods::hold);
    startRollout("Bad Name", "tenantry/tenant-runtime:0.2.0", "1, 100%", "300");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(
        By.cssSelector("#rollout-form .field-error[data-field=name]"), "DNS label"));
    assertThat(client.resources(TenantRollout.class).list().getItems()).isEmpty();

    startRollout("free-0-2-0", "tenantry/tenant-runtime:0.2.0", "1, 100%", "300");
    wait.until(d -> waveCount(d, "wave-1").startsWith("1/1 moved · 0 ready"));
    browser.findElement(By.id("rollout-pause")).click();
    wait.until(d -> phaseOf(d, "free-0-2-0").equals("Paused"));
    pods.release("web-a");
    wait.until(d -> waveCount(d, "wave-1").startsWith("1/1 moved · 1 ready"));
    assertThat(waveCount(browser, "wave-2")).as("paused: the next wave does not start").startsWith("0/2 moved");
    ControlApiTestSupport.saveScreenshot(browser, "console-rollout-paused.png");

    wait.until(ExpectedConditions.elementToBeClickable(By.id("rollout-resume"))).click();
    pods.release("web-b");
    pods.release("web-c");
    wait.until(d -> phaseOf(d, "free-0-2-0").equals("Succeeded"));
    wait.until(d -> waveCount(d, "wave-2").startsWith("2/2 moved · 2 ready"));
    assertThat(browser.findElement(By.cssSelector("#waves [data-wave=wave-2] [data-testid=wave-bar]"))
        .getAttribute("style")).contains("100%");
    ControlApiTestSupport.saveScreenshot(browser, "console-rollout.png");

    startRollout("free-broken", "tenantry/tenant-runtime:broken", "1, 100%", "2");
    wait.until(d -> phaseOf(d, "free-broken").equals("RolledBack"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("rollout-failures"), "web-a"));
    assertThat(browser.findElement(By.id("rollout-failures")).getText()).contains("not Ready on tenantry/tenant-runtime:broken");
    ControlApiTestSupport.saveScreenshot(browser, "console-rollout-failed.png");

    TENANTS.forEach(pods::hold);
    startRollout("free-aborted", "tenantry/tenant-runtime:0.3.0", "100%", "300");
    wait.until(d -> phaseOf(d, "free-aborted").equals("Progressing"));
    browser.findElement(By.id("rollout-abort")).click();
    browser.switchTo().alert().accept();
    wait.until(d -> phaseOf(d, "free-aborted").equals("RolledBack"));
    TENANTS.forEach(pods::release);
  }

  private void signIn() {
    browser.get("http://127.0.0.1:" + port + "/");
    browser.findElement(By.id("token")).sendKeys(ControlApiTestSupport.adminToken(client));
    browser.findElement(By.cssSelector("#sign-in-form button")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("rollout-form")));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("live"), "live"));
  }

  private void startRollout(String name, String image, String waves, String readyTimeout) {
    WebElement form = browser.findElement(By.id("rollout-form"));
    type(form.findElement(By.name("name")), name);
    type(form.findElement(By.name("image")), image);
    new org.openqa.selenium.support.ui.Select(form.findElement(By.name("plan"))).selectByValue("free");
    type(form.findElement(By.name("waves")), waves);
    type(form.findElement(By.name("readyTimeoutSeconds")), readyTimeout);
    form.findElement(By.cssSelector("button[type=submit]")).click();
  }

  private static void type(WebElement input, String text) {
    input.clear();
    input.sendKeys(text);
  }

  private static String phaseOf(WebDriver browser, String rollout) {
    return browser.findElement(By.cssSelector("#rollouts tr[data-rollout='" + rollout + "'] [data-testid=rollout-phase]"))
        .getText();
  }

  private static String waveCount(WebDriver browser, String wave) {
    return browser.findElement(By.cssSelector("#waves [data-wave='" + wave + "'] [data-testid=wave-count]")).getText();
  }
}
