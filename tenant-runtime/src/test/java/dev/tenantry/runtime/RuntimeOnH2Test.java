package dev.tenantry.runtime;

import dev.tenantry.runtime.graphql.GraphQlApiContract;
import dev.tenantry.runtime.graphql.GraphQlTransportWsContract;
import dev.tenantry.runtime.grpc.GrpcApiContract;
import dev.tenantry.runtime.rest.RestApiContract;
import dev.tenantry.runtime.websocket.WebSocketApiContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Every API contract against one runtime on the embedded H2 store (one application context). */
@SpringBootTest(classes = TenantRuntimeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RuntimeOnH2Test {
  static final Path DIR = RuntimeTestSupport.newDirectory("runtime-h2");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    RuntimeTestSupport.register(registry, DIR);
  }

  @AfterAll
  static void deleteDirectory() {
    RuntimeTestSupport.deleteDirectory(DIR);
  }

  @Nested
  class Rest extends RestApiContract {}

  @Nested
  class GraphQl extends GraphQlApiContract {}

  @Nested
  class GraphQlOverWebSocket extends GraphQlTransportWsContract {}

  @Nested
  class Grpc extends GrpcApiContract {}

  @Nested
  class WebSocket extends WebSocketApiContract {}

  @Nested
  class AllApis extends SameDataThroughEveryApiContract {}

  @Nested
  class Concurrency extends ConcurrentCommandsContract {}
}
