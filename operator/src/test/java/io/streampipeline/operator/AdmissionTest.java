package io.streampipeline.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import io.streampipeline.model.Changelog;
import io.streampipeline.model.ColumnSpec;
import io.streampipeline.model.Format;
import io.streampipeline.model.KafkaAuthenticationSpec;
import io.streampipeline.model.KafkaAuthenticationType;
import io.streampipeline.model.NamedSinkSpec;
import io.streampipeline.model.SourceSpec;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.testing.Pipelines;
import io.streampipeline.operator.testing.TestCluster;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the real API server refuses at admission, from the CRD's schema and CEL rules, with its message. */
class AdmissionTest {

  private static TestCluster cluster;
  private static KubernetesClient client;
  private static String namespace;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start();
    cluster.installStreamPipelineCrd();
    client = cluster.client();
    namespace = cluster.newNamespace("admission");
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void theWordCountExampleIsAccepted() {
    StreamPipeline created = client.resource(named("accepted", p -> {})).create();
    assertThat(created.getSpec().getJob().getCheckpointInterval()).isEqualTo("5s");
    assertThat(created.getSpec().getSources().get(0).getStartingOffsets()).isEqualTo("committed");
  }

  @Test
  void aMissingKafkaClusterIsRefused() {
    assertRefused(p -> p.getSpec().getKafka().setCluster(null), "spec.kafka.cluster: Required value");
  }

  @Test
  void authenticationWithoutAListenerIsRefused() {
    assertRefused(p -> p.getSpec().getKafka().setAuthentication(new KafkaAuthenticationSpec(
        KafkaAuthenticationType.SCRAM_SHA_512, null)), "spec.kafka.authentication: Invalid value: \"object\":"
        + " spec.kafka.authentication needs spec.kafka.listener");
  }

  @Test
  void anUnknownAuthenticationTypeIsRefused() {
    assertRefused(p -> {
      p.getSpec().getKafka().setListener("tls");
      p.getSpec().getKafka().setAuthentication(new KafkaAuthenticationSpec(null, null));
    }, "spec.kafka.authentication.type: Required value");
  }

  @Test
  void duplicateSourceNamesAreRefused() {
    assertRefused(p -> p.getSpec().getSources().add(source("lines", "other-lines")),
        "spec.sources[].name must be unique");
  }

  @Test
  void aSinkThatIsAlsoASourceIsRefused() {
    assertRefused(p -> p.getSpec().getSink().setTopic("lines"), "spec.sink.topic must not also be a source topic");
  }

  @Test
  void aDeadLetterTopicThatIsTheSinkIsRefused() {
    assertRefused(p -> p.getSpec().getDeadLetter().setTopic("word-counts"),
        "spec.deadLetter.topic must differ from the sink and source topics");
  }

  @Test
  void severalSinksAreAccepted() {
    StreamPipeline created = client.resource(named("fan-out", p -> withSinks(p, sink("counts", "word-counts"),
        sink("copies", "copies")))).create();
    assertThat(created.getSpec().getSinks()).extracting(NamedSinkSpec::getName).containsExactly("counts", "copies");
    assertThat(created.getSpec().getSinks().get(1).getFormat()).isEqualTo(Format.JSON);
  }

  @Test
  void bothSinkAndSinksAreRefused() {
    assertRefused(p -> p.getSpec().setSinks(List.of(sink("counts", "other"))),
        "exactly one of spec.sink and spec.sinks must be set");
  }

  @Test
  void neitherSinkNorSinksIsRefused() {
    assertRefused(p -> p.getSpec().setSink(null), "exactly one of spec.sink and spec.sinks must be set");
  }

  @Test
  void twoSinksOfOneNameAreRefusedByTheListMap() {
    assertRefused(p -> withSinks(p, sink("counts", "word-counts"), sink("counts", "copies")),
        "spec.sinks[1]: Duplicate value: {\"name\":\"counts\"}");
  }

  @Test
  void aSinkNamedLikeASourceIsRefused() {
    assertRefused(p -> withSinks(p, sink("lines", "copies")),
        "spec.sinks[].name must not also be a source name");
  }

  @Test
  void aSinkNameThatIsNoSqlIdentifierIsRefused() {
    assertRefused(p -> withSinks(p, sink("word-counts", "copies")), "spec.sinks[0].name: Invalid value");
  }

  @Test
  void sinksSharingATopicOrWritingASourceTopicAreRefused() {
    assertRefused(p -> withSinks(p, sink("counts", "copies"), sink("copies", "copies")),
        "spec.sinks[].topic must be unique");
    assertRefused(p -> withSinks(p, sink("copies", "lines")), "spec.sinks[].topic must not also be a source topic");
    assertRefused(p -> withSinks(p, sink("copies", "lines-dlq")),
        "spec.deadLetter.topic must differ from the sink and source topics");
  }

  @Test
  void zeroPartitionsAreRefused() {
    assertRefused(p -> p.getSpec().getSources().get(0).setPartitions(0),
        "spec.sources[0].partitions: Invalid value: 0: spec.sources[0].partitions in body should be greater than or equal to 1");
  }

  @Test
  void aJsonSourceWithoutSchemaIsRefused() {
    assertRefused(p -> p.getSpec().getSources().get(0).setFormat(Format.JSON),
        "spec.sources[0].schema: Invalid value: \"object\": schema is required when format is json");
  }

  @Test
  void anEventTimeColumnThatIsNotATimestampIsRefused() {
    assertRefused(p -> {
      SourceSpec source = p.getSpec().getSources().get(0);
      source.setFormat(Format.JSON);
      source.getSchema().add(new ColumnSpec("ts", "BIGINT", true));
      var eventTime = new io.streampipeline.model.EventTimeSpec();
      eventTime.setColumn("ts");
      source.setEventTime(eventTime);
    }, "eventTime.column must name a TIMESTAMP column of the json schema");
  }

  @Test
  void anUpsertSourceWithoutKeyIsRefused() {
    assertRefused(p -> {
      SourceSpec source = p.getSpec().getSources().get(0);
      source.setFormat(Format.JSON);
      source.getSchema().add(new ColumnSpec("id", "BIGINT", true));
      source.setChangelog(Changelog.UPSERT);
    }, "changelog upsert needs format json and key columns");
  }

  @Test
  void anUpsertKeyThatIsNotAColumnIsRefused() {
    assertRefused(p -> {
      SourceSpec source = p.getSpec().getSources().get(0);
      source.setFormat(Format.JSON);
      source.getSchema().add(new ColumnSpec("id", "BIGINT", true));
      source.setChangelog(Changelog.UPSERT);
      source.setKey(List.of("customer"));
    }, "key must name columns of the schema");
  }

  @Test
  void aKeyOnAnAppendSourceIsRefused() {
    assertRefused(p -> p.getSpec().getSources().get(0).setKey(List.of("line")),
        "key is only for changelog upsert");
  }

  @Test
  void aBadDurationIsRefused() {
    assertRefused(p -> p.getSpec().getJob().setCheckpointInterval("10 seconds"), "spec.job.checkpointInterval");
  }

  @Test
  void aParallelismAboveTheMaxParallelismIsRefused() {
    assertRefused(p -> {
      p.getSpec().getJob().setParallelism(200);
      p.getSpec().getJob().setMaxParallelism(128);
    }, "spec.job.parallelism must not exceed spec.job.maxParallelism");
  }

  @Test
  void anUnknownColumnTypeIsRefused() {
    assertRefused(p -> {
      p.getSpec().getSources().get(0).setFormat(Format.JSON);
      p.getSpec().getSources().get(0).getSchema().add(new ColumnSpec("n", "NUMBER", false));
    }, "spec.sources[0].schema[0].type");
  }

  @Test
  @SuppressWarnings("unchecked")
  void anUnknownFieldIsRefusedWithStrictFieldValidation() {
    GenericKubernetesResource pipeline = client.genericKubernetesResources("streampipeline.io/v1alpha1", "StreamPipeline")
        .load(AdmissionTest.class.getResourceAsStream("/wordcount-pipeline.yaml")).item();
    pipeline.getMetadata().setName("unknown-field");
    pipeline.getMetadata().setNamespace(namespace);
    ((Map<String, Object>) pipeline.getAdditionalProperties().get("spec")).put("paralelism", 3);
    assertThatThrownBy(() -> client.resource(pipeline).fieldValidation(FieldValidateable.Validation.STRICT).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("unknown field \"spec.paralelism\"");
  }

  @Test
  void partitionsCannotDecrease() {
    client.resource(named("shrink", p -> {})).create();
    StreamPipeline current = client.resources(StreamPipeline.class).inNamespace(namespace).withName("shrink").get();
    current.getSpec().getSources().get(0).setPartitions(1);
    assertThatThrownBy(() -> client.resource(current).update())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.sources[].partitions cannot decrease");
    StreamPipeline again = client.resources(StreamPipeline.class).inNamespace(namespace).withName("shrink").get();
    again.getSpec().getSink().setPartitions(1);
    assertThatThrownBy(() -> client.resource(again).update())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.sink.partitions cannot decrease");
    StreamPipeline grow = client.resources(StreamPipeline.class).inNamespace(namespace).withName("shrink").get();
    grow.getSpec().getSources().get(0).setPartitions(6);
    assertThat(client.resource(grow).update().getSpec().getSources().get(0).getPartitions()).isEqualTo(6);
  }

  private static NamedSinkSpec sink(String name, String topic) {
    NamedSinkSpec sink = new NamedSinkSpec();
    sink.setName(name);
    sink.setTopic(topic);
    return sink;
  }

  private static void withSinks(StreamPipeline pipeline, NamedSinkSpec... sinks) {
    pipeline.getSpec().setSink(null);
    pipeline.getSpec().setSinks(List.of(sinks));
  }

  private static SourceSpec source(String name, String topic) {
    SourceSpec source = new SourceSpec();
    source.setName(name);
    source.setTopic(topic);
    return source;
  }

  private static int counter;

  private static StreamPipeline named(String name, Consumer<StreamPipeline> change) {
    StreamPipeline pipeline = Pipelines.wordCount(client, namespace);
    pipeline.getMetadata().setName(name);
    change.accept(pipeline);
    return pipeline;
  }

  private static void assertRefused(Consumer<StreamPipeline> change, String message) {
    StreamPipeline pipeline = named("refused-" + (++counter), change);
    assertThatThrownBy(() -> client.resource(pipeline).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(message);
  }
}
