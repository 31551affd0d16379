package dev.tenantry.crds.tenant;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** URLs at which a tenant runtime serves each protocol. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Endpoints {
  private String rest;
  private String graphql;
  private String grpc;
  private String websocket;

  public Endpoints() {}

  public Endpoints(String rest, String graphql, String grpc, String websocket) {
    this.rest = rest;
    this.graphql = graphql;
    this.grpc = grpc;
    this.websocket = websocket;
  }

  public String getRest() {
    return rest;
  }

  public void setRest(String rest) {
    this.rest = rest;
  }

  public String getGraphql() {
    return graphql;
  }

  public void setGraphql(String graphql) {
    this.graphql = graphql;
  }

  public String getGrpc() {
    return grpc;
  }

  public void setGrpc(String grpc) {
    this.grpc = grpc;
  }

  public String getWebsocket() {
    return websocket;
  }

  public void setWebsocket(String websocket) {
    this.websocket = websocket;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Endpoints other
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
