package dev.tenantry.crds.plan;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import java.util.Objects;

/** Which of the runtime's APIs a plan turns on. */
public class Features {

  @Default("true")
  @JsonPropertyDescription("REST API under /api/v1.")
  private Boolean rest = true;

  @Default("true")
  @JsonPropertyDescription("GraphQL API at /graphql.")
  private Boolean graphql = true;

  @Default("true")
  @JsonPropertyDescription("gRPC API on port 9090.")
  private Boolean grpc = true;

  @Default("true")
  @JsonPropertyDescription("Events WebSocket at /ws/events.")
  private Boolean websocket = true;

  public Features() {}

  public Features(boolean rest, boolean graphql, boolean grpc, boolean websocket) {
    this.rest = rest;
    this.graphql = graphql;
    this.grpc = grpc;
    this.websocket = websocket;
  }

  public Boolean getRest() {
    return rest;
  }

  public void setRest(Boolean rest) {
    this.rest = rest;
  }

  public Boolean getGraphql() {
    return graphql;
  }

  public void setGraphql(Boolean graphql) {
    this.graphql = graphql;
  }

  public Boolean getGrpc() {
    return grpc;
  }

  public void setGrpc(Boolean grpc) {
    this.grpc = grpc;
  }

  public Boolean getWebsocket() {
    return websocket;
  }

  public void setWebsocket(Boolean websocket) {
    this.websocket = websocket;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Features other
        && Objects.equals(rest, other.rest)
        && Objects.equals(graphql, other.graphql)
        && Objects.equals(grpc, other.grpc)
        && Objects.equals(websocket, other.websocket);
  }

  @Override
  public int hashCode() {
    return Objects.hash(rest, graphql, grpc, websocket);
  }
}
