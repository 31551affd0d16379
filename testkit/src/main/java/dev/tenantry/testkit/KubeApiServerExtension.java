package dev.tenantry.testkit;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/** JUnit extension behind {@link WithKubeApiServer}: one API server per test class. */
public final class KubeApiServerExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KubeApiServerExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    Resources resources = resources(context);
    java.util.Optional<WithKubeApiServer> settings =
        AnnotationSupport.findAnnotation(context.getRequiredTestClass(), WithKubeApiServer.class);
    if (settings.map(WithKubeApiServer::installCrds).orElse(true)) {
      TenantryCrds.install(resources.client);
    }
    String[] controllers = settings.map(WithKubeApiServer::controllers).orElse(new String[0]);
    if (controllers.length > 0) {
      resources.startControllers(java.util.List.of(controllers));
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KubernetesClient.class || type == KubeApiServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
      throws ParameterResolutionException {
    Resources resources = resources(context);
    return parameter.getParameter().getType() == KubeApiServer.class ? resources.server : resources.client;
  }

  private static Resources resources(ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    return classContext
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Resources.class, key -> Resources.start(), Resources.class);
  }

  /** The server and an admin client, closed by JUnit when the test class ends. */
  private static final class Resources implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final KubeApiServer server;
    private final KubernetesClient client;
    private ControllerManager controllers;

    private Resources(KubeApiServer server) {
      this.server = server;
      this.client = server.newClient();
    }

    static Resources start() {
      return new Resources(KubeApiServer.start());
    }

    void startControllers(java.util.List<String> names) {
      controllers = ControllerManager.start(server, names);
      if (names.contains("clusterrole-aggregation")) {
        // ready once the owners' role has its rules
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
            .pollInterval(java.time.Duration.ofMillis(200))
            .until(() -> {
              var admin = client.rbac().clusterRoles().withName("admin").get();
              return admin != null && admin.getRules() != null && !admin.getRules().isEmpty();
            });
      }
    }

    @Override
    public void close() {
      if (controllers != null) {
        controllers.close();
      }
      client.close();
      server.close();
    }
  }
}
