package dev.tenantry.runtime;

import dev.tenantry.runtime.graphql.GraphQlApiContract;
import dev.tenantry.runtime.grpc.GrpcApiContract;
import dev.tenantry.runtime.rest.RestApiContract;
import dev.tenantry.runtime.websocket.WebSocketApiContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Every API contract against one runtime on PostgreSQL (a database of its own on the local server). */
@DirtiesContext
@SpringBootTest(classes = TenantRuntimeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RuntimeOnPostgresTest {
  static final Path DIR = RuntimeTestSupport.newDirectory("runtime-pg");

  static final String DATABASE = RuntimeTestSupport.newPostgresDatabase();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    RuntimeTestSupport.register(registry, DIR);
    RuntimeTestSupport.registerPostgres(registry, DATABASE);
  }

  @AfterAll
  static void dropDatabase() {
    RuntimeTestSupport.dropPostgresDatabase(DATABASE);
    RuntimeTestSupport.deleteDirectory(DIR);
  }

  @Nested
  class Rest extends RestApiContract {}

  @Nested
  class GraphQl extends GraphQlApiContract {}

  @Nested
  class Grpc extends GrpcApiContract {}

  @Nested
  class WebSocket extends WebSocketApiContract {}

  @Nested
  class AllApis extends SameDataThroughEveryApiContract {}

  @Nested
  class Concurrency extends ConcurrentCommandsContract {}
}
