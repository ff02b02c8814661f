package io.streampipeline.operator.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.streampipeline.operator.StreamPipelineOperator;
import io.streampipeline.operator.api.Phase;
import io.streampipeline.operator.api.ProgressStatus;
import io.streampipeline.operator.api.SourceBacklog;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.operator.testing.FlinkRestApi;
import io.streampipeline.operator.testing.Pipelines;
import io.streampipeline.operator.testing.PlayedOperators;
import io.streampipeline.operator.testing.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A running pipeline's progress on its status, on a real API server: the operator polls the job's metrics from a
 * JobManager REST API (a real HTTP server serving Flink's JSON, {@link FlinkRestApi}, since these tests play the Flink
 * operator) every second, and writes the CaughtUp condition and coarse backlogs only when they change.
 */
class JobProgressOnStatusTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String PENDING_LINES = "Source__source_lines.pendingRecords";
  private static final String LATE_DROPPED = "GroupWindowAggregate_3.numLateRecordsDropped";
  private static final String FAILED_COMMITS = "sink_word-counts__Committer.failedCommittables";

  private static TestCluster cluster;
  private static KubernetesClient client;
  private static FlinkRestApi flink;
  private static StreamPipelineOperator operator;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start().withAllCrds();
    client = cluster.client();
    flink = FlinkRestApi.start();
    operator = StreamPipelineOperator.start(client, OperatorConfig.fromEnvironment(Map.of(
        "STREAMPIPELINE_FLINK_REST_URL", flink.address().toString(),
        "STREAMPIPELINE_PROGRESS_POLL_SECONDS", "1")), Optional.empty());
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (flink != null) {
      flink.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void caughtUpFollowsTheBacklogBucketsWithoutWritesWhileTheyHoldAndLateDropsAndFailedCommitsRaiseWarnings() {
    String namespace = cluster.newNamespace("progress");
    PlayedOperators played = new PlayedOperators(client);
    played.createKafkaCluster(namespace, "events");
    client.resource(Pipelines.wordCount(client, namespace)).create();
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(pipeline(namespace).getStatus().getTopics()).hasSize(3));
    List.of("lines", "word-counts", "lines-dlq").forEach(topic -> played.topicReady(namespace, topic));
    await().atMost(TIMEOUT).until(() -> client.resources(org.apache.flink.kubernetes.operator.api.FlinkDeployment.class)
        .inNamespace(namespace).withName("wordcount").get() != null);

    // Running, but the source has fetched nothing yet: Flink has no pendingRecords for it.
    flink.metric("job-progress", LATE_DROPPED, 0);
    flink.metric("job-progress", FAILED_COMMITS, 0);
    played.flinkRunning(namespace, "wordcount", "job-progress");
    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(pipeline(namespace).getStatus().getPhase()).isEqualTo(Phase.Running);
      assertThat(caughtUp(namespace)).extracting(Condition::getStatus, Condition::getReason)
          .containsExactly("False", "BacklogUnknown");
      assertThat(pipeline(namespace).getStatus().getProgress())
          .isEqualTo(new ProgressStatus("Unknown", List.of(new SourceBacklog("lines", "Unknown")), "0", "0"));
    });

    // A backfill: far behind.
    flink.metric("job-progress", PENDING_LINES, 250_000);
    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(pipeline(namespace).getStatus().getProgress().getBacklog()).isEqualTo("<1M");
      assertThat(caughtUp(namespace)).extracting(Condition::getStatus, Condition::getReason, Condition::getMessage)
          .containsExactly("False", "BacklogAboveThreshold",
              "source lines has <1M records to read, not below spec.job.caughtUpBacklog (1000)");
    });

    // Moving within its bucket: polls go on, the status is not written.
    String resourceVersion = pipeline(namespace).getMetadata().getResourceVersion();
    for (long pending : List.of(240_000L, 180_000L, 120_000L)) {
      int polls = flink.polls();
      flink.metric("job-progress", PENDING_LINES, pending);
      await().atMost(TIMEOUT).until(() -> flink.polls() >= polls + 2);
    }
    assertThat(pipeline(namespace).getMetadata().getResourceVersion())
        .as("no status write while the backlog stays in its bucket").isEqualTo(resourceVersion);

    // Below the threshold but not empty: caught up; a late record dropped on the way.
    flink.metric("job-progress", LATE_DROPPED, 3);
    flink.metric("job-progress", PENDING_LINES, 400);
    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(caughtUp(namespace)).extracting(Condition::getStatus, Condition::getReason, Condition::getMessage)
          .containsExactly("True", "CaughtUp", "every source's backlog is below 1000 records");
      assertThat(pipeline(namespace).getStatus().getProgress())
          .isEqualTo(new ProgressStatus("<1k", List.of(new SourceBacklog("lines", "<1k")), "<1k", "0"));
    });
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events(namespace))
        .filteredOn(e -> e.getReason().equals("LateRecordsDropped")).singleElement()
        .satisfies(e -> {
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getMessage()).startsWith("the job dropped <1k records that came after their window had fired");
        }));
    assertThat(pipeline(namespace).getStatus().condition("Ready").orElseThrow().getStatus())
        .as("CaughtUp is apart from Ready").isEqualTo("True");

    // A commit came after the broker had aborted its transaction: records lost, said on the status and in an event.
    flink.metric("job-progress", FAILED_COMMITS, 2);
    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(pipeline(namespace).getStatus().getProgress().getFailedCommits()).isEqualTo("<1k");
      assertThat(events(namespace)).filteredOn(e -> e.getReason().equals("CommitsFailed")).singleElement()
          .satisfies(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getMessage()).startsWith("the commit of <1k Kafka transactions failed after the broker had"
                + " aborted them").contains("the sink misses their records");
          });
    });

    // A spec may ask for less: the threshold moves, and with it the verdict.
    client.resource(pipeline(namespace)).edit(p -> {
      p.getSpec().getJob().setCaughtUpBacklog(100L);
      return p;
    });
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(caughtUp(namespace))
        .extracting(Condition::getStatus, Condition::getMessage)
        .containsExactly("False", "source lines has <1k records to read, not below spec.job.caughtUpBacklog (100)"));
  }

  private static StreamPipeline pipeline(String namespace) {
    return client.resources(StreamPipeline.class).inNamespace(namespace).withName("wordcount").get();
  }

  private static Condition caughtUp(String namespace) {
    return pipeline(namespace).getStatus().condition("CaughtUp").orElseThrow();
  }

  private static List<Event> events(String namespace) {
    return client.v1().events().inNamespace(namespace).list().getItems();
  }
}
