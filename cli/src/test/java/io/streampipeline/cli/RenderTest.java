package io.streampipeline.cli;

import static io.streampipeline.cli.Cli.example;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.streampipeline.model.KafkaAuthenticationSpec;
import io.streampipeline.model.KafkaAuthenticationType;
import io.streampipeline.model.S3StorageSpec;
import io.streampipeline.model.StateStorageSpec;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.plan.PipelinePlans;
import io.streampipeline.plan.PlanCodec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code render}: the operator's children for a pipeline, read back. */
class RenderTest {

  @Test
  void wordCountRendersThreeTopicsAndAFlinkDeploymentRunningItsPlan() {
    Path file = example("wordcount", "pipeline.yaml");
    Cli.Result result = Cli.run("render", "-f", file, "--namespace", "streams", "--job-image", "example/job:1");

    assertThat(result.exitCode()).as("%s", result).isZero();
    List<HasMetadata> children = parse(result.out());
    List<KafkaTopic> topics = children.stream().filter(KafkaTopic.class::isInstance).map(KafkaTopic.class::cast).toList();
    List<FlinkDeployment> deployments = children.stream().filter(FlinkDeployment.class::isInstance)
        .map(FlinkDeployment.class::cast).toList();
    assertThat(children).hasSize(4);
    assertThat(topics).extracting(t -> t.getSpec().getTopicName()).containsExactly("lines", "word-counts", "lines-dlq");
    assertThat(topics).extracting(t -> t.getSpec().getPartitions()).containsExactly(3, 3, 1);
    assertThat(topics).allSatisfy(t -> assertThat(t.getMetadata().getNamespace()).isEqualTo("streams"));
    assertThat(deployments).hasSize(1);
    FlinkDeployment deployment = deployments.get(0);
    assertThat(deployment.getSpec().getImage()).isEqualTo("example/job:1");
    List<String> args = deployment.getSpec().getJob().getArgs() == null ? List.of()
        : List.of(deployment.getSpec().getJob().getArgs());
    assertThat(args).contains(PlanCodec.PLAN_ARGUMENT);
    String planJson = args.get(args.indexOf(PlanCodec.PLAN_ARGUMENT) + 1);
    StreamPipeline pipeline = PipelineFiles.readOne(file);
    assertThat(PlanCodec.decode(planJson)).isEqualTo(PipelinePlans.fromSpec("streams", "wordcount", pipeline.getSpec()));
    assertThat(deployment.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(owner -> assertThat(owner.getUid()).isNull());
    assertThat(result.out()).startsWith("# Rendered by streampipeline render: owner references have no uid");
  }

  @Test
  void fanOutRendersOneTopicPerSinkAndAPlanWithEverySink() {
    Path file = example("fanout", "pipeline.yaml");
    Cli.Result result = Cli.run("render", "-f", file, "--namespace", "streams");

    assertThat(result.exitCode()).as("%s", result).isZero();
    List<HasMetadata> children = parse(result.out());
    assertThat(children).filteredOn(KafkaTopic.class::isInstance).map(KafkaTopic.class::cast)
        .extracting(t -> t.getSpec().getTopicName(), t -> t.getSpec().getConfig())
        .containsExactly(tuple("orders", java.util.Map.of()), tuple("paid-orders", java.util.Map.of()),
            tuple("customer-totals", java.util.Map.of("cleanup.policy", "compact")), tuple("orders-dlq", java.util.Map.of()));
    FlinkDeployment deployment = children.stream().filter(FlinkDeployment.class::isInstance)
        .map(FlinkDeployment.class::cast).findFirst().orElseThrow();
    List<String> args = List.of(deployment.getSpec().getJob().getArgs());
    assertThat(PlanCodec.decode(args.get(args.indexOf(PlanCodec.PLAN_ARGUMENT) + 1)))
        .isEqualTo(PipelinePlans.fromSpec("streams", "fanout", PipelineFiles.readOne(file).getSpec()));
  }

  /** The storage wiring is visible in what render prints: directories, plugin, Secret references, no secret. */
  @Test
  void renderShowsTheStateStorageWiring(@TempDir Path dir) throws IOException {
    StreamPipeline pipeline = PipelineFiles.readOne(example("wordcount", "pipeline.yaml"));
    pipeline.getSpec().getJob().setStateStorage(new StateStorageSpec("s3://state/sp",
        new S3StorageSpec("http://minio.storage:9000", true, "flink-s3"), null));
    Path file = dir.resolve("pipeline.yaml");
    Files.writeString(file, Serialization.asYaml(pipeline));

    Cli.Result result = Cli.run("render", "-f", file, "--namespace", "streams");

    assertThat(result.exitCode()).as("%s", result).isZero();
    FlinkDeployment deployment = parse(result.out()).stream().filter(FlinkDeployment.class::isInstance)
        .map(FlinkDeployment.class::cast).findFirst().orElseThrow();
    assertThat(deployment.getSpec().getFlinkConfiguration())
        .containsEntry("state.checkpoints.dir", "s3://state/sp/streams/wordcount/checkpoints")
        .containsEntry("s3.endpoint", "http://minio.storage:9000");
    assertThat(result.out()).contains("ENABLE_BUILT_IN_PLUGINS", "secretKeyRef", "flink-s3")
        .doesNotContain("s3.access-key");
  }

  /** A pipeline on a secured listener: its KafkaUser with the pipeline's ACLs, the mounted Secrets, no secret. */
  @Test
  void renderShowsTheKafkaUserAndTheSecretWiring(@TempDir Path dir) throws IOException {
    StreamPipeline pipeline = PipelineFiles.readOne(example("wordcount", "pipeline.yaml"));
    pipeline.getSpec().getKafka().setListener("tls");
    pipeline.getSpec().getKafka().setAuthentication(new KafkaAuthenticationSpec(KafkaAuthenticationType.SCRAM_SHA_512,
        null));
    Path file = dir.resolve("pipeline.yaml");
    Files.writeString(file, Serialization.asYaml(pipeline));

    Cli.Result result = Cli.run("render", "-f", file, "--namespace", "streams");

    assertThat(result.exitCode()).as("%s", result).isZero();
    List<HasMetadata> children = parse(result.out());
    KafkaUser user = children.stream().filter(KafkaUser.class::isInstance).map(KafkaUser.class::cast).findFirst()
        .orElseThrow(() -> new AssertionError("no KafkaUser in " + result.out()));
    assertThat(user.getMetadata().getName()).isEqualTo("streampipeline-wordcount");
    assertThat(user.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "events");
    assertThat(Serialization.asJson(user.getSpec().getAuthorization())).contains("\"type\":\"simple\"",
        "\"operations\":[\"Read\"]", "\"operations\":[\"Write\"]", "streampipeline.streams.wordcount");
    FlinkDeployment deployment = children.stream().filter(FlinkDeployment.class::isInstance)
        .map(FlinkDeployment.class::cast).findFirst().orElseThrow();
    assertThat(deployment.getSpec().getPodTemplate().getSpec().getVolumes()).filteredOn(v -> v.getSecret() != null)
        .extracting(v -> v.getSecret().getSecretName())
        .containsExactly("events-cluster-ca-cert", "streampipeline-wordcount");
    assertThat(result.out()).contains("# Listener 'tls' assumed TLS, taking scram-sha-512",
        "# Secret streampipeline-wordcount (keys sasl.jaas.config) is mounted at /etc/streampipeline/kafka/user",
        "${directory:/etc/streampipeline/kafka/user:sasl.jaas.config}");
  }

  @Test
  void renderRefusesStateStorageThatCannotWork(@TempDir Path dir) throws IOException {
    StreamPipeline pipeline = PipelineFiles.readOne(example("wordcount", "pipeline.yaml"));
    pipeline.getSpec().getJob().setStateStorage(new StateStorageSpec("file:///flink-data", null, null));
    Path file = dir.resolve("pipeline.yaml");
    Files.writeString(file, Serialization.asYaml(pipeline));

    Cli.Result result = Cli.run("render", "-f", file);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines()).singleElement().asString()
        .contains("spec.job.stateStorage.uri: 'file:///flink-data' is on the pods' own disk");
  }

  @Test
  void aGivenUidGoesIntoTheOwnerReferences() {
    Cli.Result result = Cli.run("render", "-f", example("json-filter", "pipeline.yaml"), "--uid", "1234-abcd");

    assertThat(result.exitCode()).as("%s", result).isZero();
    assertThat(parse(result.out())).filteredOn(FlinkDeployment.class::isInstance).singleElement()
        .satisfies(d -> assertThat(d.getMetadata().getOwnerReferences()).singleElement()
            .satisfies(owner -> assertThat(owner.getUid()).isEqualTo("1234-abcd")))
        .satisfies(d -> assertThat(d.getMetadata().getNamespace()).isEqualTo("default"));
  }

  @Test
  void everyCommandHasHelp() {
    for (String command : List.of("run", "validate", "render", "operator")) {
      Cli.Result result = Cli.run(command, "--help");
      assertThat(result.exitCode()).as("%s", result).isZero();
      assertThat(result.out()).startsWith("Usage: streampipeline " + command);
    }
  }

  @Test
  void aMissingOptionIsOneLine() {
    Cli.Result result = Cli.run("render");

    assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(result.errLines()).singleElement().asString().contains("Missing required option: '--file=PIPELINE.yaml'");
  }

  /** Each document as the model class of its kind: KafkaTopic, KafkaUser, FlinkDeployment. */
  private static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> resources = new ArrayList<>();
    try (MappingIterator<JsonNode> documents = new YAMLMapper().readerFor(JsonNode.class).readValues(yaml)) {
      while (documents.hasNextValue()) {
        JsonNode document = documents.nextValue();
        Class<? extends HasMetadata> type = switch (document.path("kind").asText()) {
          case "KafkaTopic" -> KafkaTopic.class;
          case "KafkaUser" -> KafkaUser.class;
          case "FlinkDeployment" -> FlinkDeployment.class;
          default -> throw new AssertionError("unexpected document: " + document);
        };
        resources.add(Serialization.jsonMapper().convertValue(document, type));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return resources;
  }
}
