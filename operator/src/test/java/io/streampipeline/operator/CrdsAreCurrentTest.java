package io.streampipeline.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** crds/ is generated from the Java model; this fails when someone changed the model and not crds/. */
class CrdsAreCurrentTest {

  private static final String CRD = "streampipelines.streampipeline.io-v1.yml";

  @Test
  void committedCrdMatchesTheOneGeneratedFromTheModel() throws IOException {
    String generated = Files.readString(Path.of("target/classes/META-INF/fabric8", CRD));
    String committed = Files.readString(Path.of("../crds", CRD));
    assertThat(committed)
        .as("crds/%s is stale: run ./mvnw -pl operator -am process-classes -Pupdate-crds and commit crds/", CRD)
        .isEqualTo(generated);
  }
}
