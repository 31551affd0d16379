package dev.tenantry.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The stock {@code graphql-ws} npm client on real Node.js, as a frontend team would use it
 * ({@code testkit/src/main/node/graphql-ws-client}, installed by {@code scripts/install-deps.sh}):
 * one run connects, runs the operations and reports everything that happened.
 */
public final class GraphQlWsClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What one run saw, in order: {@code connected}, {@code next}, {@code error}, {@code complete}, {@code closed}, ... */
  public record Run(List<JsonNode> events, String stderr) {
    public List<JsonNode> of(String event) {
      return events.stream().filter(e -> event.equals(e.path("event").asText())).toList();
    }

    /** The close frame the server sent, as {@code "<code> <reason>"}, or empty if the socket stayed open. */
    public Optional<String> closed() {
      return of("closed").stream().findFirst().map(e -> e.path("code").asInt() + " " + e.path("reason").asText());
    }
  }

  private GraphQlWsClient() {}

  /** Runs the client with {@code config} (see {@code client.mjs}) within a minute. */
  public static Run run(Map<String, Object> config) {
    Path client = TenantryCrds.checkout().resolve("testkit/src/main/node/graphql-ws-client");
    if (!Files.isDirectory(client.resolve("node_modules/graphql-ws"))) {
      throw new IllegalStateException("the graphql-ws client is not installed: run scripts/install-deps.sh "
          + "(npm ci in " + client + ")");
    }
    try {
      Process process = new ProcessBuilder("node", client.resolve("client.mjs").toString(), JSON.writeValueAsString(config))
          .directory(client.toFile()).start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("the graphql-ws client did not finish within a minute");
      }
      String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      List<JsonNode> events = new ArrayList<>();
      for (String line : stdout.split("\n")) {
        if (!line.isBlank()) {
          events.add(JSON.readTree(line));
        }
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("the graphql-ws client failed (" + process.exitValue() + "): " + events + " " + stderr);
      }
      return new Run(events, stderr);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
