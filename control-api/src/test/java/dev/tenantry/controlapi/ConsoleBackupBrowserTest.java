package dev.tenantry.controlapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.backup.BackupPhase;
import dev.tenantry.crds.backup.TenantBackup;
import dev.tenantry.crds.backup.TenantBackupStatus;
import dev.tenantry.crds.backup.TenantRestore;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The console's backups in a real browser: an admin backs a tenant up with one click, sees the
 * backup complete live with its size, and clones it to a new name.
 */
@SpringBootTest(classes = ControlApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "management.server.port=0")
@ControlApiTestSupport.OnKubeApiServer
@DirtiesContext
class ConsoleBackupBrowserTest {
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
  void anAdminBacksATenantUpWatchesItCompleteAndClonesIt() throws Exception {
    Tenant shop = new Tenant();
    shop.setMetadata(new ObjectMetaBuilder().withName("shop").build());
    TenantSpec spec = new TenantSpec();
    spec.setPlan("free");
    shop.setSpec(spec);
    client.resource(shop).create();
    ControlApiTestSupport.reportSteps(client, "shop", 5, Optional.empty());

    var wait = new WebDriverWait(browser, Duration.ofSeconds(20))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    browser.get("http://127.0.0.1:" + port + "/");
    browser.findElement(By.id("token")).sendKeys(ControlApiTestSupport.adminToken(client));
    browser.findElement(By.cssSelector("#sign-in-form button")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("live"), "live"));
    By row = By.cssSelector("#tenants tr[data-name=shop]");
    wait.until(d -> {
      d.findElement(row).click();
      return true;
    });
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("backup-now")));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("backups-empty"), "no backups yet"));

    browser.findElement(By.id("backup-now")).click();
    By backupRow = By.cssSelector("#backups tr[data-backup^=shop-]");
    wait.until(d -> d.findElement(backupRow).findElement(By.cssSelector("[data-testid=backup-phase]")).getText()
        .equals("Pending"));
    List<TenantBackup> made = client.resources(TenantBackup.class).list().getItems();
    assertThat(made).singleElement().satisfies(b -> assertThat(b.getSpec().getTenant()).isEqualTo("shop"));
    String name = made.get(0).getMetadata().getName();

    // what the operator writes when the archive is in the store
    client.resources(TenantBackup.class).withName(name).editStatus(backup -> {
      TenantBackupStatus status = new TenantBackupStatus();
      status.setPhase(BackupPhase.Completed);
      status.setSizeBytes(3L * 1048576);
      status.setEventPosition(1742L);
      status.setCompletedAt(java.time.Instant.now().toString());
      backup.setStatus(status);
      return backup;
    });
    wait.until(d -> d.findElement(backupRow).findElement(By.cssSelector("[data-testid=backup-phase]")).getText()
        .equals("Completed"));
    assertThat(browser.findElement(backupRow).getText()).contains("3.0 MiB").contains("1742");
    ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
        "document.getElementById('backups').scrollIntoView({block: 'center'})");
    ControlApiTestSupport.saveScreenshot(browser, "console-backups.png");

    browser.findElement(By.id("clone-name")).sendKeys("shop-staging");
    browser.findElement(By.cssSelector("#backups button[data-clone]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("backup-error"), "started"));
    TenantRestore clone = Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> client.resources(TenantRestore.class).list().getItems(), l -> !l.isEmpty()).get(0);
    assertThat(clone.getSpec().getBackup()).isEqualTo(name);
    assertThat(clone.getSpec().getTarget().getTenant()).isEqualTo("shop-staging");
  }
}
