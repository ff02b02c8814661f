package io.streampipeline.operator.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.streampipeline.operator.StreamPipelineOperator;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.api.TopicStatus;
import io.streampipeline.operator.children.ChildLabels;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.operator.testing.PlayedOperators;
import io.streampipeline.operator.testing.Pipelines;
import io.streampipeline.operator.testing.TestCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Children deleted or changed behind the operator's back, against a real API server: the operator puts them back,
 * or reports what it will not touch, and never fights over a child in a hot loop. Every request the operator's
 * client sends is recorded, so that its writes can be counted while a test keeps undoing its work.
 */
class ChildrenChangedBehindTheOperatorTest {

  private static final Logger LOG = LoggerFactory.getLogger(ChildrenChangedBehindTheOperatorTest.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String PIPELINE = "wordcount";
  /** How long the test fights the operator over the FlinkDeployment. */
  private static final Duration FIGHT = Duration.ofSeconds(40);
  /**
   * Writes the operator may make for the pipeline during the fight: two repairs at once, each with the status and
   * transition event that the change it undoes causes, then the status saying what holds it back and its event (8,
   * as measured), and one more status and event should an observation arrive apart. Without a bound it would make
   * three per change of the other side, hundreds in the fight.
   */
  private static final int MAX_WRITES_DURING_FIGHT = 10;
  /** After this, until the first back-off (a minute) ends, the operator leaves the child alone: no write at all. */
  private static final Duration BURST = Duration.ofSeconds(15);

  private static TestCluster cluster;
  private static KubernetesClient client;
  private static PlayedOperators played;
  private static StreamPipelineOperator operator;
  /** Method and path of every write (any request but GET) of the operator's client, with its time. */
  private static final ConcurrentLinkedQueue<Write> writes = new ConcurrentLinkedQueue<>();

  private record Write(Instant at, String method, String path) {}

  private String namespace;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start().withAllCrds();
    client = cluster.client();
    played = new PlayedOperators(client);
    KubernetesClient operatorClient = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(cluster.kubeconfigYaml()))
        .withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor("count-writes", new Interceptor() {
          @Override
          public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            if (!"GET".equals(request.method())) {
              writes.add(new Write(Instant.now(), request.method(), request.uri().getPath()));
            }
          }
        }))
        .build();
    operator = StreamPipelineOperator.start(operatorClient, OperatorConfig.defaults(), Optional.empty());
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void runningWordCount() {
    namespace = cluster.newNamespace("faults");
    played.createKafkaCluster(namespace, "events");
    client.resource(Pipelines.wordCount(client, namespace)).create();
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(topics()).hasSize(3));
    topics().forEach(t -> played.topicReady(namespace, t.getMetadata().getName()));
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(deployment()).isNotNull());
    played.flinkRunning(namespace, PIPELINE, "job-1");
    awaitReady();
  }

  @Test
  void deletedFlinkDeploymentAndKafkaTopicAreCreatedAgain() {
    String deploymentUid = deployment().getMetadata().getUid();
    String topicUid = topic("lines").getMetadata().getUid();

    client.resource(deployment()).delete();
    client.resource(topic("lines")).delete();

    await("KafkaTopic created again").atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(topic("lines")).isNotNull();
      assertThat(topic("lines").getMetadata().getUid()).isNotEqualTo(topicUid);
    });
    assertThat(topic("lines").getSpec().getPartitions()).isEqualTo(3);
    // The FlinkDeployment waits, as at the start, until Strimzi reports the new topic Ready.
    played.topicReady(namespace, "lines");
    await("FlinkDeployment created again").atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(deployment()).isNotNull();
      assertThat(deployment().getMetadata().getUid()).isNotEqualTo(deploymentUid);
    });
    played.flinkRunning(namespace, PIPELINE, "job-2");
    awaitReady();
  }

  @Test
  void labelRemovedFromTheFlinkDeploymentIsPutBack() {
    Edits.edit(client.resources(FlinkDeployment.class).inNamespace(namespace).withName(PIPELINE), d -> {
      d.getMetadata().getLabels().remove(ChildLabels.PIPELINE);
      return d;
    });

    await("label put back").atMost(TIMEOUT).untilAsserted(() ->
        assertThat(deployment().getMetadata().getLabels()).containsEntry(ChildLabels.PIPELINE, PIPELINE));
    awaitReady();
  }

  /**
   * A KafkaTopic without the pipeline's label is not the pipeline's: the operator never changes or deletes a topic
   * it does not own, so it reports the topic as used but not managed, and writes nothing to it.
   */
  @Test
  void labelRemovedFromAKafkaTopicMakesItForeignReportedAndNeverWritten() {
    Edits.edit(client.resources(KafkaTopic.class).inNamespace(namespace).withName("lines"), t -> {
      t.getMetadata().getLabels().remove(ChildLabels.PIPELINE);
      return t;
    });
    Instant removed = Instant.now();

    await("topic reported as not managed").atMost(TIMEOUT).untilAsserted(() ->
        assertThat(pipeline().getStatus().getTopics()).filteredOn(t -> "lines".equals(t.getTopic()))
            .singleElement().extracting(TopicStatus::isManaged).isEqualTo(false));
    // A resync and a status round later, still nothing written to it.
    Edits.edit(client.resources(StreamPipeline.class).inNamespace(namespace).withName(PIPELINE), p -> {
      p.getMetadata().setAnnotations(Map.of("test/poke", "1"));
      return p;
    });
    await().pollDelay(Duration.ofSeconds(3)).atMost(TIMEOUT).untilAsserted(() ->
        assertThat(writesSince(removed)).noneMatch(w -> w.path().contains("/kafkatopics/lines")));
    assertThat(topic("lines").getMetadata().getLabels()).doesNotContainKey(ChildLabels.PIPELINE);
  }

  /**
   * Someone keeps setting the FlinkDeployment's parallelism to 7 (server-side apply with force, as a GitOps tool
   * holding its own copy would): the
   * operator puts it back twice at once, then at most once per back-off (the first is a minute), says so on the status (Stalled, naming who
   * changes it), and puts it back for good once the fight stops.
   */
  @Test
  void aFightOverTheFlinkDeploymentCostsAFewWritesNotAHotLoop() {
    int wanted = deployment().getSpec().getJob().getParallelism();
    Instant start = Instant.now();
    Instant end = start.plus(FIGHT);
    int changes = 0;
    while (Instant.now().isBefore(end)) {
      client.resource(new GenericKubernetesResourceBuilder()
              .withApiVersion("flink.apache.org/v1beta1").withKind("FlinkDeployment")
              .withNewMetadata().withName(PIPELINE).withNamespace(namespace).endMetadata()
              .addToAdditionalProperties("spec", Map.of("job", Map.of("parallelism", 7)))
              .build())
          .fieldManager("fighter").forceConflicts().serverSideApply();
      changes++;
      // Undo the operator's work as soon as it is done, until the fight's end.
      await().pollInterval(Duration.ofMillis(100)).atMost(FIGHT.plusSeconds(1))
          .until(() -> Instant.now().isAfter(end) || deployment().getSpec().getJob().getParallelism() != 7);
    }
    List<Write> fightWrites = writesSince(start).stream().filter(w -> w.at().isBefore(end)).toList();
    double perMinute = fightWrites.size() * 60.0 / Duration.between(start, end).toSeconds();
    LOG.info("Fight over the FlinkDeployment: {} changes by the test, {} writes by the operator in {} s ({} per"
        + " minute): {}", changes, fightWrites.size(), Duration.between(start, end).toSeconds(),
        String.format("%.1f", perMinute), fightWrites);
    assertThat(changes).as("changes by the test, each after the operator put the parallelism back").isEqualTo(3);
    assertThat(fightWrites).as("the operator's writes during the fight").hasSizeLessThanOrEqualTo(MAX_WRITES_DURING_FIGHT);
    assertThat(fightWrites).as("the operator's writes once it holds back").noneMatch(w -> w.at().isAfter(start.plus(BURST)));
    Condition stalled = condition("Stalled");
    assertThat(stalled.getStatus()).isEqualTo("True");
    assertThat(stalled.getReason()).isEqualTo("ChildChangedExternally");
    assertThat(stalled.getMessage()).contains("FlinkDeployment wordcount").contains("fighter");

    await("parallelism put back after the fight").atMost(Duration.ofMinutes(3)).untilAsserted(() ->
        assertThat(deployment().getSpec().getJob().getParallelism()).isEqualTo(wanted));
    // The Flink operator deploys the spec as it now is.
    played.flinkRunning(namespace, PIPELINE, "job-2");
    awaitReady();
  }

  private List<Write> writesSince(Instant since) {
    return writes.stream().filter(w -> !w.at().isBefore(since) && w.path().contains("/namespaces/" + namespace + "/"))
        .toList();
  }

  private void awaitReady() {
    await("Ready").atMost(TIMEOUT).untilAsserted(() -> assertThat(condition("Ready").getStatus()).isEqualTo("True"));
  }

  private Condition condition(String type) {
    StreamPipeline pipeline = pipeline();
    assertThat(pipeline.getStatus()).isNotNull();
    return pipeline.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
        .orElseThrow();
  }

  private StreamPipeline pipeline() {
    return client.resources(StreamPipeline.class).inNamespace(namespace).withName(PIPELINE).get();
  }

  private FlinkDeployment deployment() {
    return client.resources(FlinkDeployment.class).inNamespace(namespace).withName(PIPELINE).get();
  }

  private KafkaTopic topic(String name) {
    return client.resources(KafkaTopic.class).inNamespace(namespace).withName(name).get();
  }

  private List<KafkaTopic> topics() {
    return client.resources(KafkaTopic.class).inNamespace(namespace).list().getItems();
  }
}
