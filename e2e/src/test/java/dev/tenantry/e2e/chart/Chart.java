package dev.tenantry.e2e.chart;

import com.marcnuri.helm.Helm;
import dev.tenantry.testkit.PlatformChart;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** The chart under test, and its rendered manifests parsed into Kubernetes objects. */
final class Chart {
  static final String RELEASE = PlatformChart.RELEASE;
  static final String NAMESPACE = PlatformChart.NAMESPACE;

  private Chart() {}

  static Path directory() {
    return PlatformChart.directory();
  }

  static Helm helm() {
    return new Helm(directory());
  }

  /** Splits {@code helm template} output into objects; empty documents are dropped. */
  @SuppressWarnings("unchecked")
  static List<HasMetadata> parse(String manifests) {
    Object loaded = Serialization.unmarshal(new ByteArrayInputStream(manifests.getBytes(StandardCharsets.UTF_8)));
    List<Object> items = loaded instanceof List<?> list ? (List<Object>) list : List.of(loaded);
    return items.stream().filter(Objects::nonNull).map(HasMetadata.class::cast).toList();
  }

  static <T extends HasMetadata> T find(List<HasMetadata> objects, Class<T> type, String name) {
    return objects.stream().filter(type::isInstance).map(type::cast)
        .filter(o -> o.getMetadata().getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in the rendered chart"));
  }
}
