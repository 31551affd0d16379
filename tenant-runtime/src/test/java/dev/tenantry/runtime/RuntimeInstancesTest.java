package dev.tenantry.runtime;

import static dev.tenantry.runtime.RuntimeTestSupport.createProject;
import static dev.tenantry.runtime.RuntimeTestSupport.embedded;
import static dev.tenantry.runtime.RuntimeTestSupport.http;
import static dev.tenantry.runtime.RuntimeTestSupport.member;
import static dev.tenantry.runtime.RuntimeTestSupport.start;
import static dev.tenantry.runtime.RuntimeTestSupport.viewer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.runtime.events.EventBus;
import dev.tenantry.runtime.grpc.BearerToken;
import dev.tenantry.runtime.grpc.GrpcServer;
import dev.tenantry.runtime.grpc.v1.CreateProjectRequest;
import dev.tenantry.runtime.grpc.v1.ProjectServiceGrpc;
import dev.tenantry.runtime.store.StoredEvent;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import org.awaitility.Awaitility;

/** Runtimes started and stopped as processes would be: restart, two replicas, TLS, dev mode, slow consumers. */
@ExtendWith(OutputCaptureExtension.class)
class RuntimeInstancesTest {

  @Test
  void embeddedDataSurvivesARestart(@TempDir Path dir) {
    String projectId;
    try (var first = start(embedded(dir))) {
      projectId = createProject(http(first), "Durable");
    }
    try (var second = start(embedded(dir))) {
      http(second).get().uri("/api/v1/projects/" + projectId).headers(h -> h.setBearerAuth(viewer())).exchange()
          .expectStatus().isOk().expectBody().jsonPath("$.name").isEqualTo("Durable");
      // the log continues where it stopped: no sequence is reused
      createProject(http(second), "After restart");
      http(second).get().uri("/api/v1/activity").headers(h -> h.setBearerAuth(viewer())).exchange()
          .expectBody().jsonPath("$.items[*].sequence").isEqualTo(List.of(1, 2));
    }
  }

  @Test
  void twoReplicasOnOnePostgresDatabaseDeliverEachOthersEvents(@TempDir Path dir) {
    String database = RuntimeTestSupport.newPostgresDatabase();
    Map<String, Object> postgres = RuntimeTestSupport.postgres(dir, RuntimeTestSupport.TENANT, database);
    try (var a = start(postgres); var b = start(postgres)) {
      List<StoredEvent> seenOnB = new java.util.concurrent.CopyOnWriteArrayList<>();
      var subscription = b.getBean(EventBus.class).stream(0, null, 100).subscribe(seenOnB::add);
      try {
        createProject(http(a), "Written on A");
        createProject(http(b), "Written on B");
        createProject(http(a), "Written on A again");
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
            assertThat(seenOnB).extracting(e -> e.payload().get("name"))
                .containsExactly("Written on A", "Written on B", "Written on A again"));
        assertThat(seenOnB).extracting(StoredEvent::sequence).containsExactly(1L, 2L, 3L);
      } finally {
        subscription.dispose();
      }
    } finally {
      RuntimeTestSupport.dropPostgresDatabase(database);
    }
  }

  @Test
  void aSlowSubscriberIsCutOffWithoutSlowingTheOthers(@TempDir Path dir) {
    try (var context = start(embedded(dir))) {
      EventBus bus = context.getBean(EventBus.class);
      List<Throwable> slowErrors = new ArrayList<>();
      BaseSubscriber<StoredEvent> slow = new BaseSubscriber<>() {
        @Override
        protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
          request(1);
        }

        @Override
        protected void hookOnNext(StoredEvent value) {
          // never asks for more: a client that stopped reading
        }

        @Override
        protected void hookOnError(Throwable throwable) {
          slowErrors.add(throwable);
        }
      };
      long start = bus.lastPublished();
      bus.stream(start, null, 5).subscribe(slow);
      List<StoredEvent> fast = new java.util.concurrent.CopyOnWriteArrayList<>();
      var fastSubscription = bus.stream(start, null, 5).subscribe(fast::add);
      WebTestClient http = http(context);
      for (int i = 0; i < 20; i++) {
        createProject(http, "p" + i);
      }
      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(fast).hasSize(20));
      assertThat(slowErrors).singleElement().isInstanceOf(EventBus.SlowConsumerException.class);
      fastSubscription.dispose();
    }
  }

  @Test
  void grpcServesTlsWithTheConfiguredCertificate(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    writeSelfSigned(cert, key);
    Map<String, Object> properties = new java.util.HashMap<>(embedded(dir));
    properties.put("tenantry.tls-cert", cert.toString());
    properties.put("tenantry.tls-key", key.toString());
    try (var context = start(properties)) {
      var channel = NettyChannelBuilder.forAddress("127.0.0.1", context.getBean(GrpcServer.class).port())
          .overrideAuthority("runtime.tenant-acme.svc")
          .sslContext(GrpcSslContexts.forClient().trustManager(cert.toFile()).build())
          .build();
      try {
        var project = ProjectServiceGrpc.newBlockingStub(channel).withCallCredentials(new BearerToken(member()))
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .createProject(CreateProjectRequest.newBuilder().setName("Over TLS").build());
        assertThat(project.getName()).isEqualTo("Over TLS");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void devModeStartsWithoutJwksAndLogsAWorkingToken(@TempDir Path dir, CapturedOutput output) {
    try (var context = start(Map.of("tenantry.dev-mode", true, "tenantry.data-dir", dir.toString()))) {
      String line = output.getOut().lines().filter(l -> l.contains("dev token: ")).findFirst().orElseThrow();
      String token = line.substring(line.indexOf("dev token: ") + "dev token: ".length()).trim();
      http(context).post().uri("/api/v1/projects").headers(h -> h.setBearerAuth(token))
          .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "Dev")).exchange()
          .expectStatus().isCreated();
      http(context).get().uri("/api/v1/projects").headers(h -> h.setBearerAuth(member())).exchange()
          .expectStatus().isUnauthorized();
    }
  }

  static void writeSelfSigned(Path certFile, Path keyFile) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    KeyPair pair = generator.generateKeyPair();
    X500Name name = new X500Name("CN=runtime.tenant-acme.svc");
    var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(Instant.now().toEpochMilli()),
        Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plus(Duration.ofDays(1))), name,
        pair.getPublic())
        .addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(new GeneralName(GeneralName.dNSName, "runtime.tenant-acme.svc")));
    var certificate = new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    Files.writeString(certFile, pem(certificate));
    Files.writeString(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
  }

  private static String pem(Object object) throws java.io.IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }
}
