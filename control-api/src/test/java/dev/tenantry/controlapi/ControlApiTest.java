package dev.tenantry.controlapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.tenantry.controlapi.ControlApiTestSupport.Recorder;
import dev.tenantry.controlapi.keys.PlatformKeys;
import dev.tenantry.crds.TenantryApi;


import dev.tenantry.crds.tenant.Tenant;

import dev.tenantry.testkit.KubeApiServer;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.graphql.client.SubscriptionErrorException;
import org.springframework.graphql.test.tester.WebSocketGraphQlTester;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The control API on a real kube-apiserver: REST, GraphQL, the provisioning WebSocket, tokens, auth. */
@SpringBootTest(classes = ControlApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"management.server.port=0", "tenantry.heartbeat=1s"})
@ControlApiTestSupport.OnKubeApiServer
@DirtiesContext
class ControlApiTest {
  @Autowired
  KubeApiServer server;

  @LocalServerPort
  int port;

  @Autowired
  KubernetesClient client;

  @Autowired
  PlatformKeys keys;

  WebTestClient http;
  String admin;
  String viewer;

  @BeforeEach
  void clients() {
    http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
    admin = ControlApiTestSupport.adminToken(client);
    viewer = keys.platformToken("watcher", List.of("platform-viewer"), Duration.ofMinutes(10));
  }

  WebTestClient.ResponseSpec create(String token, Map<String, Object> body) {
    return http.post().uri("/api/v1/tenants").headers(h -> h.setBearerAuth(token))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
  }

  HttpGraphQlTester graphql(String token) {
    return HttpGraphQlTester.create(WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port + "/graphql")
        .defaultHeaders(h -> h.setBearerAuth(token)).build());
  }

  void awaitCached(String name) {
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> http.get().uri("/api/v1/tenants/" + name)
        .headers(h -> h.setBearerAuth(viewer)).exchange().returnResult(String.class).getStatus().is2xxSuccessful());
  }

  @Test
  void restCreatesReadsChangesAndDeletesTenants() {
    create(admin, Map.of("name", "acme", "plan", "free", "displayName", "ACME",
        "owners", List.of(Map.of("kind", "User", "name", "alice@acme.example")), "ingressHost", "acme.example.com"))
        .expectStatus().isCreated()
        .expectHeader().valueEquals("Location", "/api/v1/tenants/acme")
        .expectBody().jsonPath("$.name").isEqualTo("acme").jsonPath("$.phase").isEqualTo("Pending");
    Tenant stored = client.resources(Tenant.class).withName("acme").get();
    assertThat(stored.getSpec().getOwners()).hasSize(1);
    assertThat(stored.getMetadata().getAnnotations().get(TenantryApi.TRACEPARENT_ANNOTATION))
        .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    awaitCached("acme");

    http.get().uri("/api/v1/tenants?plan=free&search=ac").headers(h -> h.setBearerAuth(viewer)).exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.items[0].name").isEqualTo("acme");
    http.patch().uri("/api/v1/tenants/acme").headers(h -> h.setBearerAuth(admin))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("displayName", "ACME Corp", "plan", "pro"))
        .exchange().expectStatus().isOk().expectBody().jsonPath("$.plan").isEqualTo("pro");
    // hibernate and wake are requests the operator carries out: timestamps on the Tenant
    http.post().uri("/api/v1/tenants/acme/hibernate").headers(h -> h.setBearerAuth(admin)).exchange()
        .expectStatus().isOk();
    String hibernateAt = client.resources(Tenant.class).withName("acme").get().getMetadata().getAnnotations()
        .get(TenantryApi.HIBERNATE_REQUESTED_AT_ANNOTATION);
    assertThat(Instant.parse(hibernateAt)).isCloseTo(Instant.now(), within(1, ChronoUnit.MINUTES));
    http.post().uri("/api/v1/tenants/acme/wake").headers(h -> h.setBearerAuth(viewer)).exchange()
        .expectStatus().isForbidden();
    http.post().uri("/api/v1/tenants/acme/wake").headers(h -> h.setBearerAuth(admin)).exchange()
        .expectStatus().isOk();
    assertThat(client.resources(Tenant.class).withName("acme").get().getMetadata().getAnnotations())
        .containsEntry(TenantryApi.WAKE_TRIGGER_ANNOTATION, "admin")
        .containsKey(TenantryApi.WAKE_REQUESTED_AT_ANNOTATION);
    // the fleet view: asleep as the operator reports it, it gives back its plan's memory requests
    // (pro: 192Mi per replica, two replicas)
    client.resources(Tenant.class).withName("acme").editStatus(t -> {
      t.setStatus(new dev.tenantry.crds.tenant.TenantStatus());
      t.getStatus().setPhase(dev.tenantry.crds.tenant.Phase.Hibernated);
      return t;
    });
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        http.get().uri("/api/v1/fleet").headers(h -> h.setBearerAuth(viewer)).exchange()
            .expectStatus().isOk().expectBody()
            .jsonPath("$.hibernated").isEqualTo(1)
            .jsonPath("$.memoryRequestsFreedBytes").isEqualTo(2 * 192 * 1048576));
    http.post().uri("/api/v1/tenants/acme/suspend").headers(h -> h.setBearerAuth(admin)).exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.suspended").isEqualTo(true);
    // suspended means stopped by an admin: no wake starts it, only resume
    http.post().uri("/api/v1/tenants/acme/wake").headers(h -> h.setBearerAuth(admin)).exchange()
        .expectStatus().isEqualTo(409).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.detail").value(d -> assertThat((String) d).contains("suspended: resume it"));
    assertThat(client.resources(Tenant.class).withName("acme").get().getSpec().isSuspendedRequested()).isTrue();
    http.post().uri("/api/v1/tenants/acme/resume").headers(h -> h.setBearerAuth(admin)).exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.suspended").isEqualTo(false);
    http.get().uri("/api/v1/tenants/acme/events").headers(h -> h.setBearerAuth(viewer)).exchange()
        .expectStatus().isOk();
    http.delete().uri("/api/v1/tenants/acme").headers(h -> h.setBearerAuth(admin)).exchange()
        .expectStatus().isAccepted();
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> client.resources(Tenant.class).withName("acme").get() == null);
    http.get().uri("/api/v1/tenants/acme").headers(h -> h.setBearerAuth(viewer)).exchange()
        .expectStatus().isNotFound().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
  }

  @Test
  void invalidRequestsNameTheFieldAndCreateNothing() {
    create(admin, Map.of("name", "taken", "plan", "free", "ingressHost", "taken.example.com")).expectStatus().isCreated();
    awaitCached("taken");
    record Bad(Map<String, Object> body, int status, String field) {}
    for (Bad bad : List.of(
        new Bad(Map.of("name", "Not_A_Label", "plan", "free"), 400, "name"),
        new Bad(Map.of("name", "x".repeat(41), "plan", "free"), 400, "name"),
        new Bad(Map.of("name", "noplan", "plan", "platinum"), 400, "plan"),
        new Bad(Map.of("name", "samehost", "plan", "free", "ingressHost", "taken.example.com"), 400, "ingressHost"),
        new Bad(Map.of("name", "badhost", "plan", "free", "ingressHost", "not a host"), 400, "ingressHost"),
        new Bad(Map.of("name", "badowner", "plan", "free", "owners", List.of(Map.of("kind", "Robot", "name", "r"))),
            400, "owners"),
        new Bad(Map.of("name", "badstore", "plan", "free", "storageType", "Mongo"), 400, "storageType"),
        new Bad(Map.of("name", "taken", "plan", "free"), 409, "name"),
        // misspelt, mistyped or out of range: refused by name, never dropped or coerced
        new Bad(Map.of("name", "typo", "plan", "free", "replica", 2), 400, "replica"),
        new Bad(Map.of("name", "typo", "plan", "free", "owners", List.of(Map.of("kind", "User", "nmae", "ann"))),
            400, "owners[0].nmae"),
        new Bad(Map.of("name", "typo", "plan", "free", "replicas", "2"), 400, "replicas"),
        new Bad(Map.of("name", "typo", "plan", "free", "replicas", 1.5), 400, "replicas"),
        new Bad(Map.of("name", "typo", "plan", "free", "replicas", 21), 400, "replicas"),
        new Bad(Map.of("name", 7, "plan", "free"), 400, "name"))) {
      create(admin, bad.body()).expectStatus().isEqualTo(bad.status())
          .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .expectBody().jsonPath("$.field").isEqualTo(bad.field());
    }
    assertThat(client.resources(Tenant.class).list().getItems()).extracting(t -> t.getMetadata().getName())
        .containsExactly("taken");
    http.post().uri("/api/v1/tenants").headers(h -> h.setBearerAuth(admin)).contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"name\": ").exchange().expectStatus().isBadRequest()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.detail").value(d -> assertThat(d.toString()).startsWith("malformed JSON"));
    http.post().uri("/api/v1/tenants").headers(h -> h.setBearerAuth(admin)).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("name", "typo", "plan", "free", "replica", 2)).exchange()
        .expectBody().jsonPath("$.detail").value(d -> assertThat(d.toString())
            .isEqualTo("unknown field 'replica'; known fields: deletionPolicy, displayName, ingressHost, name, owners, "
                + "plan, replicas, storageType"));
  }

  @Test
  void onlyValidPlatformTokensGetIn() {
    http.get().uri("/api/v1/tenants").exchange().expectStatus().isUnauthorized()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    http.get().uri("/api/v1/tenants").headers(h -> h.setBearerAuth("not-a-token")).exchange()
        .expectStatus().isUnauthorized();
    String expired = ControlApiTestSupport.expiredAdminToken(keys);
    http.get().uri("/api/v1/tenants").headers(h -> h.setBearerAuth(expired)).exchange().expectStatus().isUnauthorized()
        .expectBody().jsonPath("$.detail").value(detail -> assertThat(String.valueOf(detail)).contains("expired"));
    String forged = ControlApiTestSupport.forgedToken();
    http.get().uri("/api/v1/tenants").headers(h -> h.setBearerAuth(forged)).exchange().expectStatus().isUnauthorized();
    http.get().uri("/api/v1/tenants").headers(h -> h.setBearerAuth(viewer)).exchange().expectStatus().isOk();
    create(viewer, Map.of("name", "viewer-made", "plan", "free")).expectStatus().isForbidden();
    String tenantToken = keys.tenantToken("acme", "bob", List.of("tenant-admin"), Duration.ofMinutes(5));
    http.get().uri("/api/v1/tenants").headers(h -> h.setBearerAuth(tenantToken)).exchange().expectStatus().isForbidden();
    http.get().uri("/.well-known/jwks.json").exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.keys[0].kty").isEqualTo("EC").jsonPath("$.keys[0].d").doesNotExist();
    assertThat(client.resources(Tenant.class).withName("viewer-made").get()).isNull();
  }

  @Test
  void graphqlManagesTenantsAndIssuesTokensTheRuntimeAccepts() throws Exception {
    graphql(admin).document("mutation { createTenant(input: {name: \"gql\", plan: \"pro\", owners: [{kind: \"Group\","
            + " name: \"gql-admins\"}]}) { name plan phase provisioning { totalSteps } } }")
        .execute().path("createTenant.name").entity(String.class).isEqualTo("gql")
        .path("createTenant.provisioning.totalSteps").entity(Integer.class).isEqualTo(5);
    graphql(admin).document("mutation { createTenant(input: {name: \"Bad Name\", plan: \"pro\"}) { name } }")
        .execute().errors().satisfy(errors -> assertThat(errors.get(0).getExtensions()).containsEntry("field", "name"));
    graphql(viewer).document("mutation { suspendTenant(name: \"gql\") { name } }")
        .execute().errors().satisfy(errors -> assertThat(errors.get(0).getErrorType().toString()).isEqualTo("FORBIDDEN"));
    awaitCached("gql");
    graphql(viewer).document("{ tenants(filter: {plan: \"pro\"}) { items { name } totalCount } plans { name } }")
        .execute().path("tenants.items[*].name").entityList(String.class).contains("gql")
        .path("plans[*].name").entityList(String.class).containsExactly("enterprise", "free", "pro");

    String token = graphql(admin).document("mutation { issueTenantToken(tenant: \"gql\", subject: \"ci\","
            + " roles: [\"member\"], ttl: \"2h\") { token } }")
        .execute().path("issueTenantToken.token").entity(String.class).get();
    // verified as a tenant runtime does: against the published JWKS
    String jwks = http.get().uri("/.well-known/jwks.json").exchange().expectBody(String.class).returnResult()
        .getResponseBody();
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
        new ImmutableJWKSet<>(JWKSet.parse(jwks))));
    JWTClaimsSet claims = processor.process(token, null);
    assertThat(claims.getStringClaim("tenant")).isEqualTo("gql");
    assertThat(claims.getStringListClaim("roles")).containsExactly("member");
    assertThat(claims.getSubject()).isEqualTo("ci");
    // and the operator's copy of the JWKS is the same document
    var published = client.secrets().inNamespace("tenantry-system").withName("tenantry-jwks").get();
    assertThat(JWKSet.parse(new String(Base64.getDecoder().decode(published.getData().get("jwks.json")),
        StandardCharsets.UTF_8)).getKeys()).isEqualTo(JWKSet.parse(jwks).getKeys());

    graphql(admin).document("mutation { issueTenantToken(tenant: \"gql\", subject: \"ci\", roles: [\"root\"]) { token } }")
        .execute().errors().satisfy(errors -> assertThat(errors.get(0).getExtensions()).containsEntry("field", "roles"));
  }

  @Test
  void theProvisioningSocketDeliversEveryStatusChangeInOrderAndResumes() throws Exception {
    create(admin, Map.of("name", "watched", "plan", "free")).expectStatus().isCreated();
    awaitCached("watched");
    String base = "ws://127.0.0.1:" + port + "/ws/provisioning?access_token=" + admin;
    Recorder recorder = Recorder.connect(base + "&tenant=watched");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> recorder.messages.size() == 1);
    assertThat(recorder.messages.get(0).path("completedSteps").asInt()).isZero();

    String[] steps = {"PlanResolved", "NamespaceReady", "CredentialsReady", "DatabaseReady", "RuntimeReady"};
    for (int done = 1; done <= steps.length; done++) {
      ControlApiTestSupport.reportSteps(client, "watched", done, Optional.empty());
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> recorder.messages.size() == 6);
    assertThat(recorder.messages.subList(1, 6)).extracting(m -> m.path("completedSteps").asInt())
        .containsExactly(1, 2, 3, 4, 5);
    assertThat(recorder.messages.get(5).path("phase").asString()).isEqualTo("Ready");
    assertThat(recorder.messages.get(5).path("tenant").asString()).isEqualTo("watched");
    assertThat(recorder.messages.get(5).path("conditions").size()).as("the five steps and Ready").isEqualTo(6);
    String lastVersion = recorder.messages.get(5).path("resourceVersion").asString();

    // a client reconnecting with the last resourceVersion gets only what is new
    Recorder resumed = Recorder.connect(base + "&tenant=watched&resourceVersion=" + lastVersion);
    ControlApiTestSupport.reportSteps(client, "watched", 4, Optional.empty());
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !resumed.messages.isEmpty());
    assertThat(resumed.messages).singleElement()
        .satisfies(m -> assertThat(m.path("completedSteps").asInt()).isEqualTo(4));

    Recorder everything = Recorder.connect(base);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !everything.messages.isEmpty());
    assertThat(everything.messages).extracting(m -> m.path("tenant").asString()).contains("watched");

    client.resources(Tenant.class).withName("watched").delete();
    assertThat(recorder.closed.get(10, TimeUnit.SECONDS)).isEqualTo("4410 tenant deleted");
    assertThat(recorder.messages.get(recorder.messages.size() - 1).path("type").asString()).isEqualTo("deleted");

    Recorder unknown = Recorder.connect(base + "&tenant=nobody");
    assertThat(unknown.closed.get(10, TimeUnit.SECONDS)).isEqualTo("4404 tenant not found");
  }

  @Test
  void usageARuntimeCannotGiveIsAnErrorOnThatFieldOnly() {
    create(admin, Map.of("name", "quiet", "plan", "free", "owners", List.of(Map.of("kind", "User", "name", "q@example.com"))))
        .expectStatus().isCreated();
    awaitCached("quiet");
    // not provisioned yet: nothing to ask
    graphql(viewer).document("{ tenant(name: \"quiet\") { name phase usage { projects } } }").execute()
        .errors().satisfy(errors -> assertThat(errors).singleElement().satisfies(e -> {
          assertThat(e.getExtensions()).containsEntry("code", "UNAVAILABLE");
          assertThat(e.getPath()).isEqualTo("tenant.usage");
          assertThat(e.getMessage()).contains("no runtime of tenant 'quiet' is ready");
        }))
        .path("tenant.name").entity(String.class).isEqualTo("quiet")
        .path("tenant.usage").valueIsNull();

    // a runtime said to be ready at an address where nothing answers, behind a published CA
    client.resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName("tenantry-ca")
        .withNamespace("tenantry-system").endMetadata().withData(Map.of("ca.crt",
            dev.tenantry.operator.pki.CertificateAuthority.create("test-ca", java.time.Clock.systemUTC()).certificatePem()))
        .build()).serverSideApply();
    ControlApiTestSupport.reportSteps(client, "quiet", 5,
        Optional.of(new dev.tenantry.crds.tenant.RuntimeStatus("img", 1, 1, "127.0.0.1")));
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        http.get().uri("/api/v1/tenants/quiet/usage").headers(h -> h.setBearerAuth(viewer)).exchange()
            .expectStatus().isEqualTo(503)
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.detail").value(detail ->
                assertThat(String.valueOf(detail)).contains("the runtime of tenant 'quiet' did not answer: UNAVAILABLE")));
    client.resources(Tenant.class).withName("quiet").delete();
  }

  @Test
  void createTenantContinuesTheCallersTraceInASpanOfItsOwn() {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    http.post().uri("/api/v1/tenants").headers(h -> {
      h.setBearerAuth(admin);
      h.set("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");
    }).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "traced", "plan", "free",
        "owners", List.of(Map.of("kind", "User", "name", "t@example.com")))).exchange().expectStatus().isCreated();
    String stored = client.resources(Tenant.class).withName("traced").get().getMetadata().getAnnotations()
        .get(TenantryApi.TRACEPARENT_ANNOTATION);
    // the same trace, a span of the control API's (not the caller's), sampled
    assertThat(stored).matches("00-" + traceId + "-[0-9a-f]{16}-01").doesNotContain("00f067aa0ba902b7");
    client.resources(Tenant.class).withName("traced").delete();
  }

  @Test
  void graphqlReadsChangesAndFollowsOneTenantUntilItIsDeleted() {
    graphql(admin).document("mutation { createTenant(input: {name: \"followed\", plan: \"free\", displayName: \"F\","
        + " owners: [{kind: \"User\", name: \"f@example.com\"}]}) { name } }").execute()
        .path("createTenant.name").entity(String.class).isEqualTo("followed");
    awaitCached("followed");

    WebSocketGraphQlTester live = WebSocketGraphQlTester.builder(URI.create("ws://127.0.0.1:" + port + "/graphql"),
        new ReactorNettyWebSocketClient()).headers(h -> h.setBearerAuth(viewer)).build();
    List<Map<String, Object>> updates = new CopyOnWriteArrayList<>();
    AtomicBoolean completed = new AtomicBoolean();
    Disposable subscription = live.document("subscription { tenantEvents(name: \"followed\") { type phase completedSteps"
            + " totalSteps conditions { type } } }").executeSubscription()
        .toFlux("tenantEvents", Map.class).map(ControlApiTest::stringKeyed)
        .doOnComplete(() -> completed.set(true)).subscribe(updates::add);
    try {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> updates.size() == 1);
      assertThat(updates.get(0)).containsEntry("completedSteps", 0).containsEntry("totalSteps", 5);

      String[] steps = {"PlanResolved", "NamespaceReady", "CredentialsReady", "DatabaseReady", "RuntimeReady"};
      for (int done = 1; done <= steps.length; done++) {
        ControlApiTestSupport.reportSteps(client, "followed", done, Optional.empty());
      }
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> updates.size() == 6);
      assertThat(updates).extracting(u -> u.get("completedSteps")).containsExactly(0, 1, 2, 3, 4, 5);
      assertThat(updates.get(5)).containsEntry("phase", "Ready");

      graphql(viewer).document("{ tenant(name: \"followed\") { displayName phase conditions { type status message }"
              + " provisioning { completedSteps totalSteps } endpoints { rest } events { reason } deleting } }").execute()
          .path("tenant.phase").entity(String.class).isEqualTo("Ready")
          .path("tenant.conditions[*].type").entityList(String.class).containsExactly(
              "PlanResolved", "NamespaceReady", "CredentialsReady", "DatabaseReady", "RuntimeReady", "Ready")
          .path("tenant.provisioning.completedSteps").entity(Integer.class).isEqualTo(5)
          .path("tenant.deleting").entity(Boolean.class).isEqualTo(false);
      graphql(admin).document("mutation { updateTenant(name: \"followed\", input: {displayName: \"Followed Inc\","
              + " plan: \"pro\", replicas: 2}) { displayName plan } }").execute()
          .path("updateTenant.displayName").entity(String.class).isEqualTo("Followed Inc")
          .path("updateTenant.plan").entity(String.class).isEqualTo("pro");
      assertThat(client.resources(Tenant.class).withName("followed").get().getSpec().getRuntime().getReplicas()).isEqualTo(2);
      graphql(admin).document("mutation { updateTenant(name: \"followed\", input: {replicas: 99}) { name } }").execute()
          .errors().satisfy(errors -> assertThat(errors.get(0).getExtensions()).containsEntry("field", "replicas"));
      graphql(admin).document("mutation { updateTenant(name: \"nobody\", input: {plan: \"pro\"}) { name } }").execute()
          .errors().satisfy(errors -> assertThat(errors.get(0).getExtensions()).containsEntry("code", "NOT_FOUND"));

      graphql(admin).document("mutation { suspendTenant(name: \"followed\") { suspended } }").execute()
          .path("suspendTenant.suspended").entity(Boolean.class).isEqualTo(true);
      graphql(admin).document("mutation { resumeTenant(name: \"followed\") { suspended } }").execute()
          .path("resumeTenant.suspended").entity(Boolean.class).isEqualTo(false);
      assertThat(client.resources(Tenant.class).withName("followed").get().getSpec().isSuspendedRequested()).isFalse();

      graphql(viewer).document("mutation { deleteTenant(name: \"followed\") { name } }").execute()
          .errors().satisfy(errors -> assertThat(errors.get(0).getErrorType().toString()).isEqualTo("FORBIDDEN"));
      graphql(admin).document("mutation { deleteTenant(name: \"followed\") { name } }").execute()
          .path("deleteTenant.name").entity(String.class).isEqualTo("followed");
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(completed::get);
      assertThat(updates.get(updates.size() - 1)).containsEntry("type", "deleted").containsEntry("phase", "Deleted");
    } finally {
      subscription.dispose();
    }
    assertThatThrownBy(() -> live.document("subscription { tenantEvents(name: \"nobody\") { type } }")
        .executeSubscription().toFlux().blockLast(Duration.ofSeconds(10)))
        .isInstanceOfSatisfying(SubscriptionErrorException.class, refused -> assertThat(
            refused.getErrors().get(0).getExtensions()).containsEntry("code", "NOT_FOUND"));
  }

  @Test
  void restIssuesTenantTokensListsPlansAndPublishesItsOpenApiDocument() throws Exception {
    create(admin, Map.of("name", "tokened", "plan", "free")).expectStatus().isCreated();
    awaitCached("tokened");
    String token = http.post().uri("/api/v1/tenants/tokened/tokens").headers(h -> h.setBearerAuth(admin))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("subject", "ci", "roles", List.of("viewer"), "ttl", "30m"))
        .exchange().expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody()
        .path("token").asString();
    JWTClaimsSet claims = com.nimbusds.jwt.SignedJWT.parse(token).getJWTClaimsSet();
    assertThat(claims.getStringClaim("tenant")).isEqualTo("tokened");
    assertThat(claims.getStringListClaim("roles")).containsExactly("viewer");
    assertThat(Duration.between(java.time.Instant.now(), claims.getExpirationTime().toInstant()))
        .isBetween(Duration.ofMinutes(29), Duration.ofMinutes(30));
    http.post().uri("/api/v1/tenants/tokened/tokens").headers(h -> h.setBearerAuth(admin))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("subject", "ci", "roles", List.of("owner")))
        .exchange().expectStatus().isBadRequest().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.field").isEqualTo("roles");
    http.post().uri("/api/v1/tenants/nobody/tokens").headers(h -> h.setBearerAuth(admin))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("subject", "ci", "roles", List.of("viewer")))
        .exchange().expectStatus().isNotFound();
    http.post().uri("/api/v1/tenants/tokened/tokens").headers(h -> h.setBearerAuth(viewer))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("subject", "ci", "roles", List.of("viewer")))
        .exchange().expectStatus().isForbidden();
    http.patch().uri("/api/v1/tenants/nobody").headers(h -> h.setBearerAuth(admin)).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("plan", "pro")).exchange().expectStatus().isNotFound()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);

    http.get().uri("/api/v1/plans").headers(h -> h.setBearerAuth(viewer)).exchange().expectStatus().isOk()
        .expectBody().jsonPath("$[*].name").isEqualTo(List.of("enterprise", "free", "pro"));
    http.get().uri("/api/v1/openapi.json").exchange().expectStatus().isOk().expectBody()
        .jsonPath("$.openapi").value(version -> assertThat(String.valueOf(version)).startsWith("3."))
        .jsonPath("$.paths['/api/v1/tenants'].post").exists()
        .jsonPath("$.paths['/api/v1/tenants/{name}/suspend'].post").exists()
        .jsonPath("$.paths['/api/v1/tenants/{name}/tokens'].post").exists();
    client.resources(Tenant.class).withName("tokened").delete();
  }

  @Test
  void theProvisioningSocketTellsARefusedCallerWhyWhenItCloses() throws Exception {
    String socket = "ws://127.0.0.1:" + port + "/ws/provisioning";
    assertThat(Recorder.connect(socket).closed.get(10, TimeUnit.SECONDS)).isEqualTo("4401 a bearer token is required");
    String expired = ControlApiTestSupport.expiredAdminToken(keys);
    assertThat(Recorder.connect(socket + "?access_token=" + expired).closed.get(10, TimeUnit.SECONDS))
        .startsWith("4401 invalid token: ").contains("expired");
    assertThat(Recorder.connect(socket + "?access_token=" + ControlApiTestSupport.forgedToken()).closed
        .get(10, TimeUnit.SECONDS)).startsWith("4401 invalid token: ");
    String tenantToken = keys.tenantToken("acme", "bob", List.of("tenant-admin"), Duration.ofMinutes(5));
    assertThat(Recorder.connect(socket + "?access_token=" + tenantToken).closed.get(10, TimeUnit.SECONDS))
        .isEqualTo("4403 this needs the platform-admin or platform-viewer role");
    // a viewer in the header is served
    Recorder watching = Recorder.connect(socket, viewer);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> watching.heartbeats.get() > 0);
    assertThat(watching.closed).isNotDone();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> stringKeyed(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }
}
