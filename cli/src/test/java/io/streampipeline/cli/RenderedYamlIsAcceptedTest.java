package io.streampipeline.cli;

import static io.streampipeline.cli.Cli.example;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.testing.TestCluster;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The examples and what {@code render} makes of them, created on a real API server with the StreamPipeline,
 * Strimzi and Flink CRDs: the schemas and CEL rules accept them.
 */
class RenderedYamlIsAcceptedTest {

  private static TestCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = TestCluster.start().withAllCrds();
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"wordcount", "json-filter", "windowed", "enrichment", "fanout"})
  void theExampleAndItsRenderedChildrenAreAccepted(String name) throws Exception {
    KubernetesClient client = cluster.client();
    String namespace = cluster.newNamespace(name);
    StreamPipeline pipeline = client.resources(StreamPipeline.class).inNamespace(namespace)
        .load(Files.newInputStream(example(name, "pipeline.yaml"))).create();

    Cli.Result result = Cli.run("render", "-f", example(name, "pipeline.yaml"), "--namespace", namespace,
        "--uid", pipeline.getMetadata().getUid());
    assertThat(result.exitCode()).as("%s", result).isZero();

    List<HasMetadata> children = client.load(new ByteArrayInputStream(result.out().getBytes(StandardCharsets.UTF_8)))
        .items();
    assertThat(children).extracting(HasMetadata::getKind).containsOnly("KafkaTopic", "FlinkDeployment");
    for (HasMetadata child : children) {
      HasMetadata created = client.resource(child).create();
      assertThat(created.getMetadata().getUid()).as("created %s", child.getMetadata().getName()).isNotNull();
    }
    assertThat(client.genericKubernetesResources("flink.apache.org/v1beta1", "FlinkDeployment").inNamespace(namespace)
        .withName(name).get()).extracting(GenericKubernetesResource::getMetadata)
        .satisfies(m -> assertThat(m.getOwnerReferences()).singleElement()
            .satisfies(o -> assertThat(o.getUid()).isEqualTo(pipeline.getMetadata().getUid())));
  }
}
