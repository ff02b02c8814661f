package io.streampipeline.e2e.kind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.streampipeline.e2e.RepositoryPaths;
import io.streampipeline.e2e.SharedCluster;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.testing.Pipelines;
import io.streampipeline.operator.testing.TestCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kind suite cannot run here, but its manifests can be checked: every Kubernetes object under
 * {@code e2e/kind/} goes to a real API server as a server-side dry-run apply, which validates it against the
 * built-in schemas and the CRDs (Strimzi's generated from io.strimzi:api 0.49.1, ours from the chart).
 */
@ExtendWith(SharedCluster.class)
class KindManifestsTest {

  static final Path KIND = RepositoryPaths.path("e2e/kind");
  /** kind's own configuration, not a Kubernetes object. */
  private static final String KIND_CONFIG = "kind-cluster.yaml";
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private static KubernetesClient client;

  @BeforeAll
  static void crdsAndNamespace(TestCluster cluster) throws IOException {
    // No retries: the API server answers a server-side apply that does not fit the schema with a 500, which
    // the client would otherwise retry for seconds.
    client = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(cluster.client().getConfiguration()).withRequestRetryBackoffLimit(0).build()).build();
    installCrd(RepositoryPaths.path("deploy/helm/streampipeline-operator/crds/streampipelines.streampipeline.io-v1.yml"));
    Path dir = Files.createTempDirectory("strimzi-crds");
    new CRDGenerator().customResourceClasses(Kafka.class, KafkaNodePool.class, KafkaUser.class).inOutputDir(dir.toFile())
        .forCRDVersions("v1").generate();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        installCrd(file);
      }
    }
    // The suite's namespace, for real: namespaced objects cannot be dry-run into a namespace that does not exist.
    objectsOf(KIND.resolve("namespace.yaml")).forEach(ns -> client.resource(ns).serverSideApply());
  }

  @AfterAll
  static void closeClient() {
    client.close();
  }

  static Stream<String> manifests() throws IOException {
    try (Stream<Path> files = Files.list(KIND)) {
      return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml") || f.endsWith(".yml"))
          .filter(f -> !f.equals(KIND_CONFIG)).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifests")
  void apiServerAcceptsEveryObjectOf(String manifest) {
    List<GenericKubernetesResource> objects = objectsOf(KIND.resolve(manifest));
    assertThat(objects).as("objects in %s", manifest).isNotEmpty();
    for (GenericKubernetesResource object : objects) {
      if (object.getMetadata().getNamespace() == null && !"Namespace".equals(object.getKind())) {
        object.getMetadata().setNamespace("sp-e2e"); // run.sh applies these with -n sp-e2e
      }
      assertThat(client.resource(object).dryRun().fieldManager("kind-e2e").forceConflicts().serverSideApply())
          .as("%s %s from %s", object.getKind(), object.getMetadata().getName(), manifest).isNotNull();
    }
  }

  @Test
  void dryRunRefusesAFieldTheSchemaDoesNotHave() {
    GenericKubernetesResource kafka = objectsOf(KIND.resolve("kafka.yaml")).stream()
        .filter(o -> o.getKind().equals("Kafka")).findFirst().orElseThrow();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) kafka.getAdditionalProperties().get("spec");
    spec.put("kafak", Map.of());
    assertThatThrownBy(() -> client.resource(kafka).dryRun().fieldManager("kind-e2e").serverSideApply())
        .as("a misspelled field must fail the check, or the check proves nothing")
        .isInstanceOf(KubernetesClientException.class).hasMessageContaining(".spec.kafak: field not declared in schema");
  }

  @Test
  void onlyKindsOwnConfigIsNotAKubernetesObject() throws IOException {
    assertThat(Files.readString(KIND.resolve(KIND_CONFIG))).contains("apiVersion: kind.x-k8s.io/");
  }

  @Test
  void theUpgradedPipelineDiffersFromTheWordCountOnlyInItsSql() throws IOException {
    StreamPipeline original = Pipelines.wordCount(client, "sp-e2e");
    StreamPipeline upgraded;
    try (InputStream in = Files.newInputStream(KIND.resolve("wordcount-upgraded.yaml"))) {
      upgraded = client.resources(StreamPipeline.class).load(in).item();
    }
    assertThat(upgraded.getSpec().getTransform().getSql()).isNotEqualTo(original.getSpec().getTransform().getSql())
        .contains("CHAR_LENGTH(word) > 1");
    upgraded.getSpec().getTransform().setSql(original.getSpec().getTransform().getSql());
    assertThat(SERIALIZATION.asYaml(upgraded.getSpec())).isEqualTo(SERIALIZATION.asYaml(original.getSpec()));
    assertThat(upgraded.getMetadata().getName()).isEqualTo(original.getMetadata().getName());
  }

  /**
   * Strimzi's CRDs declare a {@code Map<String, Object>} (such as {@code spec.kafka.config}) as an object with
   * preserved unknown fields; fabric8's generator declares its values as objects, which refuses
   * {@code offsets.topic.replication.factor: 1}. Match Strimzi, as TestCluster does for KafkaTopic.
   */
  private static void preserveFreeFormMaps(JSONSchemaProps schema) {
    if (schema == null) {
      return;
    }
    if (schema.getProperties() != null) {
      schema.getProperties().replaceAll((name, property) -> isFreeFormMap(property) || isPolymorphicBase(property)
          ? new JSONSchemaPropsBuilder().withType("object").withDescription(property.getDescription())
              .withXKubernetesPreserveUnknownFields(true).build()
          : property);
      schema.getProperties().values().forEach(KindManifestsTest::preserveFreeFormMaps);
    }
    preserveFreeFormMaps(schema.getItems() == null ? null : schema.getItems().getSchema());
  }

  private static boolean isFreeFormMap(JSONSchemaProps property) {
    JSONSchemaProps values = property.getAdditionalProperties() == null ? null
        : property.getAdditionalProperties().getSchema();
    return "object".equals(property.getType()) && isEmpty(property.getProperties())
        && values != null && "object".equals(values.getType()) && isEmpty(values.getProperties());
  }

  /**
   * A property typed by an abstract class with subtypes chosen by {@code type} (a Kafka's {@code authorization}, a
   * KafkaUser's {@code authentication}): Strimzi's generator declares the union of the subtypes' fields, fabric8's
   * only the base's {@code type}. Keep the subtypes' fields.
   */
  private static boolean isPolymorphicBase(JSONSchemaProps property) {
    return "object".equals(property.getType()) && property.getProperties() != null
        && property.getProperties().keySet().equals(java.util.Set.of("type"));
  }

  private static boolean isEmpty(Map<String, JSONSchemaProps> properties) {
    return properties == null || properties.isEmpty();
  }

  private static List<GenericKubernetesResource> objectsOf(Path file) {
    try {
      List<GenericKubernetesResource> objects = new ArrayList<>();
      for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
        if (document.lines().anyMatch(l -> !l.isBlank() && !l.startsWith("#"))) {
          objects.add(SERIALIZATION.unmarshal(document, GenericKubernetesResource.class));
        }
      }
      return objects;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void installCrd(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
      crd.getSpec().getVersions().forEach(v -> preserveFreeFormMaps(v.getSchema().getOpenAPIV3Schema()));
      client.resource(crd).fieldManager("kind-e2e").forceConflicts().serverSideApply();
      client.resource(crd).waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
          && c.getStatus().getConditions().stream()
              .anyMatch(s -> "Established".equals(s.getType()) && "True".equals(s.getStatus())), 30, TimeUnit.SECONDS);
    }
  }
}
