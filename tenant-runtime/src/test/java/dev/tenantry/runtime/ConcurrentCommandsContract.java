package dev.tenantry.runtime;

import static dev.tenantry.runtime.RuntimeTestSupport.member;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** 100 concurrent moves of one task: none lost, versions strictly increase, conflicts reported. */
public abstract class ConcurrentCommandsContract {
  static final JsonMapper JSON = JsonMapper.builder().build();

  @LocalServerPort
  int port;

  record Outcome(int status, Integer version) {}

  @Test
  void concurrentMovesLoseNoUpdate() {
    WebClient http = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
        .defaultHeaders(h -> h.setBearerAuth(member())).build();
    String projectId = id(http.post().uri("/api/v1/projects").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("name", "Race")).retrieve().bodyToMono(String.class).block());
    String taskId = id(http.post().uri("/api/v1/projects/" + projectId + "/tasks").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("title", "contended")).retrieve().bodyToMono(String.class).block());

    // unconditional moves all apply, one after another
    List<Outcome> unconditional = Flux.range(0, 100)
        .flatMap(i -> move(http, taskId, i, null), 100)
        .collectList().block(Duration.ofSeconds(120));
    assertThat(unconditional).allSatisfy(o -> assertThat(o.status()).isEqualTo(200));
    assertThat(unconditional).extracting(Outcome::version).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.rangeClosed(2, 101).boxed().toList());

    // moves that all expect version 101: exactly one wins, the others are told why
    List<Outcome> conditional = Flux.range(0, 100)
        .flatMap(i -> move(http, taskId, i, 101), 100)
        .collectList().block(Duration.ofSeconds(120));
    assertThat(conditional).filteredOn(o -> o.status() == 200).singleElement()
        .satisfies(o -> assertThat(o.version()).isEqualTo(102));
    assertThat(conditional).filteredOn(o -> o.status() != 200).hasSize(99)
        .allSatisfy(o -> assertThat(o.status()).isEqualTo(412));

    String task = http.get().uri("/api/v1/tasks/" + taskId).retrieve().bodyToMono(String.class).block();
    assertThat(JSON.readTree(task).path("version").asInt()).isEqualTo(102);
    String activity = http.get().uri("/api/v1/activity?projectId=" + projectId + "&limit=200").retrieve()
        .bodyToMono(String.class).block();
    var versions = JSON.readTree(activity).path("items").valueStream()
        .filter(e -> e.path("aggregateId").asString().equals(taskId)).map(e -> e.path("version").asInt()).toList();
    assertThat(versions).as("one event per applied move, versions strictly increasing")
        .isEqualTo(java.util.stream.IntStream.rangeClosed(1, 102).boxed().toList());
  }

  private static Mono<Outcome> move(WebClient http, String taskId, int position, Integer ifMatch) {
    return http.post().uri("/api/v1/tasks/" + taskId + "/move")
        .headers(h -> {
          if (ifMatch != null) {
            h.set(HttpHeaders.IF_MATCH, "\"" + ifMatch + "\"");
          }
        })
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("status", position % 2 == 0 ? "IN_PROGRESS" : "DONE", "position", position))
        .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("{}").map(body -> new Outcome(
            response.statusCode().value(),
            response.statusCode().is2xxSuccessful() ? JSON.readTree(body).path("version").asInt() : null)));
  }

  private static String id(String json) {
    return JSON.readTree(json).path("id").asString();
  }
}
