package dev.tenantry.crds;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CRD YAML committed under {@code crds/} must be exactly what fabric8's crd-generator
 * makes from the Java model in this build. Run with {@code -Dtenantry.crds.update=true} to
 * rewrite the committed files after a model change.
 */
class CrdYamlUpToDateTest {

  private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");

  @ParameterizedTest
  @ValueSource(strings = {"tenants.tenantry.dev", "tenantplans.tenantry.dev", "tenantrollouts.tenantry.dev",
      "tenantbackups.tenantry.dev", "tenantbackupschedules.tenantry.dev", "tenantrestores.tenantry.dev"})
  void committedYamlMatchesTheModel(String crdName) throws IOException {
    Path generated = GENERATED.resolve(crdName + "-v1.yml");
    Path committed = Path.of(crdName + "-v1.yaml");
    assertThat(generated).as("crd-generator output").isRegularFile();
    String expected = Files.readString(generated);
    if (Boolean.getBoolean("tenantry.crds.update")) {
      Files.writeString(committed, expected);
    }
    assertThat(committed)
        .as("committed %s; after changing the model run: mvn -pl crds verify -Dtenantry.crds.update=true", committed)
        .isRegularFile();
    assertThat(Files.readString(committed))
        .as("crds/%s is stale; run: mvn -pl crds verify -Dtenantry.crds.update=true", committed)
        .isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void everyGeneratedCrdIsCommitted() throws IOException {
    try (var files = Files.list(GENERATED)) {
      List<String> generated = files.map(p -> p.getFileName().toString().replace(".yml", ".yaml")).sorted().toList();
      assertThat(generated).containsExactly("tenantbackups.tenantry.dev-v1.yaml",
          "tenantbackupschedules.tenantry.dev-v1.yaml", "tenantplans.tenantry.dev-v1.yaml",
          "tenantrestores.tenantry.dev-v1.yaml", "tenantrollouts.tenantry.dev-v1.yaml", "tenants.tenantry.dev-v1.yaml");
    }
  }
}
