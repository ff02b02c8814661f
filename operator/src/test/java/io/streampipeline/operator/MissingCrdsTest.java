package io.streampipeline.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.streampipeline.operator.api.Phase;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.operator.testing.PlayedOperators;
import io.streampipeline.operator.testing.Pipelines;
import io.streampipeline.operator.testing.TestCluster;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A cluster without Strimzi or the Flink operator: the pipeline says so, nothing is created, the operator keeps running. */
class MissingCrdsTest {

  @Test
  void missingStrimziAndFlinkCrdsAreReportedAndThePipelineProceedsOnceTheyAreInstalled() {
    try (TestCluster cluster = TestCluster.start()) {
      cluster.installStreamPipelineCrd();
      KubernetesClient client = cluster.client();
      String namespace = cluster.newNamespace("nocrds");
      try (StreamPipelineOperator operator = StreamPipelineOperator.start(client, OperatorConfig.defaults(), Optional.empty())) {
        client.resource(Pipelines.wordCount(client, namespace)).create();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          StreamPipeline pipeline = client.resources(StreamPipeline.class).inNamespace(namespace).withName("wordcount").get();
          assertThat(pipeline.getStatus()).isNotNull();
          assertThat(pipeline.getStatus().getPhase()).isEqualTo(Phase.Pending);
          Condition ready = pipeline.getStatus().condition("Ready").orElseThrow();
          assertThat(ready.getStatus()).isEqualTo("False");
          assertThat(ready.getReason()).isEqualTo("MissingCustomResourceDefinitions");
          assertThat(ready.getMessage()).contains("KafkaTopic (kafka.strimzi.io/v1").contains("FlinkDeployment");
        });
        assertThat(operator.isStarted()).isTrue();

        cluster.installStrimziCrds();
        cluster.installFlinkCrd();
        new PlayedOperators(client).createKafkaCluster(namespace, "events");
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
          StreamPipeline pipeline = client.resources(StreamPipeline.class).inNamespace(namespace).withName("wordcount").get();
          assertThat(pipeline.getStatus().getPhase()).isEqualTo(Phase.CreatingTopics);
          assertThat(pipeline.getStatus().getTopics()).hasSize(3);
        });
      }
    }
  }
}
