package io.streampipeline.operator.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.streampipeline.operator.StreamPipelineOperator;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.children.PipelineChildren;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.operator.testing.PlayedJobs;
import io.streampipeline.operator.testing.PlayedOperators;
import io.streampipeline.operator.testing.Pipelines;
import io.streampipeline.operator.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-apiserver killed for 30 seconds, on the same etcd, while pipelines are being created and changed, with the
 * operator in-process and without leader election: the operator neither exits nor needs a restart; once the API
 * server is back it converges to exactly the expected children (no duplicates, no orphans) with every status caught
 * up. (With leader election the operator exits on losing its Lease, by design; that path needs the operator in a
 * process of its own and is not covered here.)
 */
class ApiServerOutageTest {

  private static final Logger LOG = LoggerFactory.getLogger(ApiServerOutageTest.class);
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final int BEFORE = 4;
  private static final int DURING = 4;

  private static TestCluster cluster;
  private static KubernetesClient client;
  private static PlayedOperators played;
  private static StreamPipelineOperator operator;
  private static String namespace;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start().withAllCrds();
    client = cluster.client();
    played = new PlayedOperators(client);
    operator = StreamPipelineOperator.start(client, OperatorConfig.defaults(), Optional.empty());
    namespace = cluster.newNamespace("outage");
    played.createKafkaCluster(namespace, "events");
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

  @Test
  void afterThirtySecondsWithoutTheApiServerTheOperatorConvergesWithoutARestart() {
    for (int i = 0; i < BEFORE; i++) {
      client.resource(pipeline("before-" + i)).create();
    }
    awaitSettled(BEFORE);
    // Changes and new pipelines the operator has just started on when the API server goes.
    for (int i = 0; i < BEFORE; i += 2) {
      Edits.edit(client.resources(StreamPipeline.class).inNamespace(namespace).withName("before-" + i),
          p -> {
            p.getSpec().getSources().get(0).setPartitions(p.getSpec().getSources().get(0).getPartitions() + 1);
            return p;
          });
    }
    for (int i = 0; i < DURING; i++) {
      client.resource(pipeline("during-" + i)).create();
    }
    cluster.killApiServer();
    await("the operator keeps running while the API server is down").during(OUTAGE).atMost(OUTAGE.plusSeconds(10))
        .until(operator::isStarted);
    cluster.startApiServerAgain();
    await("API server back").atMost(TIMEOUT).ignoreExceptions()
        .until(() -> client.namespaces().withName(namespace).get() != null);
    for (int i = 0; i < DURING; i++) {
      Edits.edit(client.resources(StreamPipeline.class).inNamespace(namespace).withName("during-" + i),
          p -> {
            p.getSpec().getJob().setParallelism(2);
            return p;
          });
    }

    awaitSettled(BEFORE + DURING);
    assertThat(operator.isHealthy()).as("the same operator, healthy, never restarted").isTrue();
  }

  /**
   * Waits until every pipeline is Ready for its generation (Strimzi and Flink played as they go) and its children
   * are exactly what the spec asks: the topics it names, with its partitions, and one FlinkDeployment.
   */
  private void awaitSettled(int pipelines) {
    await("every pipeline Ready with exactly its children").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions().untilAsserted(() -> {
          playStrimziAndFlink();
          List<StreamPipeline> all = client.resources(StreamPipeline.class).inNamespace(namespace).list().getItems();
          assertThat(all).hasSize(pipelines);
          Map<String, Integer> expectedTopics = new TreeMap<>();
          for (StreamPipeline pipeline : all) {
            PipelineChildren.topics(pipeline.getSpec()).forEach(t -> expectedTopics.put(t.resourceName(),
                PipelineChildren.kafkaTopic(pipeline, t).getSpec().getPartitions()));
            assertThat(ready(pipeline)).as("Ready of %s", pipeline.getMetadata().getName()).isEqualTo("True");
          }
          Map<String, Integer> topics = client.resources(KafkaTopic.class).inNamespace(namespace).list().getItems()
              .stream().collect(Collectors.toMap(t -> t.getMetadata().getName(), t -> t.getSpec().getPartitions(),
                  (a, b) -> a, TreeMap::new));
          assertThat(topics).isEqualTo(expectedTopics);
          Set<String> deployments = names(client.resources(FlinkDeployment.class).inNamespace(namespace).list()
              .getItems());
          assertThat(deployments).isEqualTo(names(all));
        });
  }

  private static Set<String> names(List<? extends HasMetadata> resources) {
    return resources.stream().map(r -> r.getMetadata().getName()).collect(Collectors.toCollection(TreeSet::new));
  }

  private static String ready(StreamPipeline pipeline) {
    if (pipeline.getStatus() == null
        || !pipeline.getMetadata().getGeneration().equals(pipeline.getStatus().getObservedGeneration())) {
      return "no status for generation " + pipeline.getMetadata().getGeneration();
    }
    return pipeline.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType()))
        .map(Condition::getStatus).findFirst().orElse("none");
  }

  /** Strimzi reconciles every KafkaTopic's current generation; Flink runs every FlinkDeployment's current spec. */
  private static void playStrimziAndFlink() {
    new PlayedJobs(client).upgradeChecksPass(namespace);
    for (KafkaTopic topic : client.resources(KafkaTopic.class).inNamespace(namespace).list().getItems()) {
      if (topic.getStatus() == null || !topic.getMetadata().getGeneration().equals(topic.getStatus().getObservedGeneration())) {
        played.topicReady(namespace, topic.getMetadata().getName());
      }
    }
    for (FlinkDeployment deployment : client.resources(FlinkDeployment.class).inNamespace(namespace).list().getItems()) {
      if (deployment.getStatus() == null || deployment.getStatus().getObservedGeneration() == null
          || !deployment.getMetadata().getGeneration().equals(deployment.getStatus().getObservedGeneration())) {
        played.flinkRunning(namespace, deployment.getMetadata().getName(), "job-" + deployment.getMetadata().getGeneration());
      }
    }
  }

  private StreamPipeline pipeline(String name) {
    StreamPipeline pipeline = Pipelines.wordCount(client, namespace);
    pipeline.getMetadata().setName(name);
    pipeline.getSpec().getSources().get(0).setTopic(name + "-lines");
    pipeline.getSpec().getSink().setTopic(name + "-counts");
    pipeline.getSpec().getDeadLetter().setTopic(name + "-dlq");
    return pipeline;
  }
}
