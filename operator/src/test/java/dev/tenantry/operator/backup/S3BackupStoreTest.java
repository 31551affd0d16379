package dev.tenantry.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.crds.tenant.TenantSpec;
import dev.tenantry.operator.backup.BackupStore.BackupStoreException;
import dev.tenantry.operator.backup.S3BackupStore.S3Settings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 store against a real S3 server (S3Proxy, started as its own process on a free port,
 * AWS signature v4 required): an archive written, read back to the byte and checked, listed
 * under its key, deleted; a missing archive and a server that is down each a clear error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3BackupStoreTest {
  static final String ACCESS_KEY = "tenantry-test";
  static final String SECRET_KEY = "tenantry-test-secret";
  Path dir;
  Process s3proxy;
  S3Settings settings;

  @BeforeAll
  void startS3Server(@TempDir Path dir) throws Exception {
    this.dir = dir;
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Files.createDirectories(dir.resolve("data"));
    Path properties = dir.resolve("s3proxy.conf");
    Files.writeString(properties, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + dir.resolve("data"),
        ""));
    s3proxy = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", Path.of("target/s3proxy/s3proxy.jar").toString(), "--properties", properties.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
    settings = new S3Settings("http://127.0.0.1:" + port, "tenantry-backups", "eu-central-1", true, "cluster-a",
        ACCESS_KEY, SECRET_KEY);
    try (S3Client admin = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
        .region(Region.of("eu-central-1")).forcePathStyle(true).endpointOverride(URI.create(settings.endpoint()))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build()) {
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
          .until(() -> {
            admin.createBucket(b -> b.bucket(settings.bucket()));
            return true;
          });
    }
  }

  @AfterAll
  void stopS3Server() throws InterruptedException {
    if (s3proxy != null && s3proxy.isAlive()) {
      s3proxy.destroy();
      s3proxy.waitFor(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void anArchiveGoesInReadsBackAndGoes() throws Exception {
    String log = "{\"format\":\"tenantry.dev/event-log/v1\",\"tenant\":\"acme\",\"position\":2}\n"
        + "{\"sequence\":1}\n{\"sequence\":2}\n";
    TenantSpec spec = new TenantSpec();
    spec.setPlan("pro");
    var manifest = new BackupArchive.Manifest(BackupArchive.FORMAT, "acme", "nightly", "2026-12-02T02:00:00Z", 2,
        Map.of(), spec, List.of());
    try (S3BackupStore store = S3BackupStore.connect(settings)) {
      BackupStore.Stored stored = store.write("tenants/acme/nightly.tnb.gz", out -> BackupArchive.write(out, manifest,
          new ByteArrayInputStream(log.getBytes(StandardCharsets.UTF_8))));
      assertThat(stored.location()).isEqualTo("s3://tenantry-backups/cluster-a/tenants/acme/nightly.tnb.gz");

      byte[] read;
      try (InputStream in = store.open("tenants/acme/nightly.tnb.gz")) {
        read = in.readAllBytes();
      }
      assertThat((long) read.length).isEqualTo(stored.sizeBytes());
      assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(read))).isEqualTo(stored.sha256());
      assertThat(BackupArchive.verify(new ByteArrayInputStream(read), stored.sha256()).spec().getPlan()).isEqualTo("pro");
      try (var opened = BackupArchive.open(store.open("tenants/acme/nightly.tnb.gz"))) {
        assertThat(new String(opened.eventLog().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(log);
      }

      store.delete("tenants/acme/nightly.tnb.gz");
      assertThatThrownBy(() -> store.open("tenants/acme/nightly.tnb.gz"))
          .isInstanceOf(BackupStoreException.class)
          .hasMessageContaining("s3://tenantry-backups/cluster-a/tenants/acme/nightly.tnb.gz is missing");
    }
  }

  @Test
  void wrongKeysAreAClearError() {
    S3Settings wrong = new S3Settings(settings.endpoint(), settings.bucket(), settings.region(), true, "", ACCESS_KEY,
        "not-the-secret");
    try (S3BackupStore store = S3BackupStore.connect(wrong)) {
      assertThatThrownBy(() -> store.write("k.tnb.gz", out -> out.write(1)))
          .isInstanceOf(BackupStoreException.class)
          .hasMessageContaining("the S3 store (bucket tenantry-backups) refused the archive");
    }
  }

  @Test
  void aServerThatIsDownIsAClearError() throws IOException {
    S3Settings down;
    try (ServerSocket socket = new ServerSocket(0)) {
      down = new S3Settings("http://127.0.0.1:" + socket.getLocalPort(), "tenantry-backups", "eu-central-1", true, "",
          ACCESS_KEY, SECRET_KEY);
    }
    try (S3BackupStore store = S3BackupStore.connect(down)) {
      assertThatThrownBy(() -> store.open("tenants/acme/nightly.tnb.gz"))
          .isInstanceOf(BackupStoreException.class)
          .hasMessageContaining("the S3 store (bucket tenantry-backups) cannot be read");
    }
  }
}
