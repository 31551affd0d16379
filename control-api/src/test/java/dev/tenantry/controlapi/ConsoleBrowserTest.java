package dev.tenantry.controlapi;

import static org.assertj.core.api.Assertions.assertThat;


import dev.tenantry.crds.tenant.Provisioning;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.Tenant;

import dev.tenantry.testkit.KubeApiServer;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import org.springframework.test.annotation.DirtiesContext;

/**
 * The admin console in headless Chromium (Debian's chromium and chromium-driver): sign in,
 * a field error, create a tenant, watch its progress bar move as its status changes. The
 * screenshot is kept at {@code control-api/target/console.png}.
 */
@SpringBootTest(classes = ControlApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "management.server.port=0")
@ControlApiTestSupport.OnKubeApiServer
@DirtiesContext
class ConsoleBrowserTest {
  @Autowired
  KubeApiServer server;

  @LocalServerPort
  int port;

  @Autowired
  KubernetesClient client;

  WebDriver browser;

  @BeforeEach
  void openBrowser(@TempDir Path profile) {
    browser = ControlApiTestSupport.headlessChromium(profile);
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void anAdminSignsInCreatesATenantAndWatchesItProvision() throws Exception {
    String admin = ControlApiTestSupport.adminToken(client);
    // the table is re-rendered on every live update: a row found a moment ago may be gone
    var wait = new WebDriverWait(browser, Duration.ofSeconds(20))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    browser.get("http://127.0.0.1:" + port + "/");

    browser.findElement(By.id("token")).sendKeys("not-a-token");
    browser.findElement(By.cssSelector("#sign-in-form button")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sign-in-error"), "refused"));

    WebElement token = browser.findElement(By.id("token"));
    token.clear();
    token.sendKeys(admin);
    browser.findElement(By.cssSelector("#sign-in-form button")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("create-form")));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("live"), "live"));

    WebElement name = browser.findElement(By.cssSelector("#create-form input[name=name]"));
    name.sendKeys("Bad_Name");
    browser.findElement(By.cssSelector("#create-form button")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(
        By.cssSelector(".field-error[data-field=name]"), "DNS label"));
    assertThat(client.resources(Tenant.class).list().getItems()).isEmpty();

    name.clear();
    name.sendKeys("browser");
    browser.findElement(By.cssSelector("#create-form input[name=displayName]")).sendKeys("Made in a browser");
    browser.findElement(By.cssSelector("#create-form input[name=owner]")).sendKeys("ann@example.com");
    browser.findElement(By.cssSelector("#create-form button")).click();
    By row = By.cssSelector("#tenants tr[data-name=browser]");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row));
    assertThat(client.resources(Tenant.class).withName("browser").get().getSpec().getDisplayName())
        .isEqualTo("Made in a browser");

    for (int done = 1; done <= 3; done++) {
      ControlApiTestSupport.reportSteps(client, "browser", done, Optional.empty());
      String width = (done * 20) + "%";
      wait.until(d -> d.findElement(row).findElement(By.cssSelector("[data-testid=progress]"))
          .getAttribute("style").contains(width));
    }
    wait.until(d -> d.findElement(row).findElement(By.cssSelector("[data-testid=phase]")).getText()
        .equals("Provisioning"));
    wait.until(d -> {
      d.findElement(row).click();
      return true;
    });
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-step"), "3 of 5 steps"));
    saveScreenshot("console.png");

    ControlApiTestSupport.reportSteps(client, "browser", 5, Optional.empty());
    wait.until(d -> d.findElement(row).findElement(By.cssSelector("[data-testid=phase]")).getText().equals("Ready"));
    wait.until(d -> d.findElement(row).findElement(By.cssSelector("[data-testid=progress]")).getAttribute("style")
        .contains("100%"));
    saveScreenshot("console-ready.png");

    // hibernate from the console: the request lands on the Tenant, the operator's answer shows
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("hibernation"), "never hibernates"));
    browser.findElement(By.id("hibernate")).click();
    wait.until(ExpectedConditions.alertIsPresent()).accept();
    wait.until(d -> client.resources(Tenant.class).withName("browser").get().getMetadata().getAnnotations()
        .containsKey(TenantryApi.HIBERNATE_REQUESTED_AT_ANNOTATION));
    ControlApiTestSupport.reportHibernation(client, "browser");
    wait.until(d -> d.findElement(row).findElement(By.cssSelector("[data-testid=phase]")).getText()
        .equals("Hibernated"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("hibernation"), "asleep since"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("hibernation"), "(Requested)"));
    // the fleet line counts it asleep and what its sleep gives back: its plan's runtime memory requests
    var plan = client.resources(dev.tenantry.crds.plan.TenantPlan.class)
        .withName(client.resources(Tenant.class).withName("browser").get().getSpec().getPlan()).get().getSpec().getRuntime();
    long freedMiB = io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(plan.getResources().getRequests().get("memory"))
        .longValue() * (plan.getReplicas() == null ? 1 : plan.getReplicas()) / 1048576;
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("fleet"), "1 hibernated"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("fleet"),
        freedMiB + " MiB of runtime memory requests freed by sleep"));
    assertThat(browser.findElement(By.id("hibernate")).isDisplayed()).isFalse();
    saveScreenshot("console-hibernated.png");

    browser.findElement(By.id("wake")).click();
    wait.until(d -> "admin".equals(client.resources(Tenant.class).withName("browser").get().getMetadata()
        .getAnnotations().get(TenantryApi.WAKE_TRIGGER_ANNOTATION)));
    ControlApiTestSupport.reportHibernation(client, "browser");
    wait.until(d -> d.findElement(row).findElement(By.cssSelector("[data-testid=phase]")).getText().equals("Ready"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("hibernation"), "last wake"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("hibernation"), "by admin"));
  }

  private void saveScreenshot(String name) throws Exception {
    ControlApiTestSupport.saveScreenshot(browser, name);
  }
}
