package io.streampipeline.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.streampipeline.model.JobState;
import io.streampipeline.operator.api.Phase;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.api.StreamPipelineStatus;
import io.streampipeline.operator.api.TopicStatus;
import io.streampipeline.operator.children.PipelineChildren;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.operator.testing.PlayedOperators;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.status.ReconciliationState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every status path of {@link PipelineStatusComputer}, one row each: what was observed, and the phase, the Ready
 * condition and the kstatus conditions (Reconciling, Stalled) that Flux and {@code kubectl wait} decide on.
 */
class PipelineStatusComputerTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final long GENERATION = 4;

  /** What the computer is given: the pipeline (with its previous status) and the topics and FlinkDeployment seen. */
  private record Observation(StreamPipeline pipeline, List<TopicStatus> topics, FlinkDeployment deployment,
      UpgradeHold hold) {
    StreamPipelineStatus compute(Instant now) {
      return PipelineStatusComputer.observed(pipeline, topics, KafkaAccessObservation.ready(null), deployment, hold,
          null, 1000, now);
    }
  }

  private record Expected(Phase phase, String ready, String readyReason, boolean reconciling, boolean stalled) {}

  static Stream<Arguments> paths() {
    return Stream.of(
        row("topics not ready yet", p -> observed(p, topics(false), null),
            new Expected(Phase.CreatingTopics, "False", Reasons.TOPICS_NOT_READY, true, false)),
        row("topics ready, no FlinkDeployment yet", p -> observed(p, topics(true), null),
            new Expected(Phase.Deploying, "False", Reasons.DEPLOYING, true, false)),
        row("first deploy not running yet", p -> observed(p, topics(true), flink(p, JobStatus.CREATED, null, null, true)),
            new Expected(Phase.Deploying, "False", Reasons.DEPLOYING, true, false)),
        row("job running the current spec", p -> running(p),
            new Expected(Phase.Running, "True", Reasons.JOB_RUNNING, false, false)),
        row("job failed past its restarts", p -> observed(p, topics(true), flink(p, JobStatus.FAILED, "job-1", null, true)),
            new Expected(Phase.Failed, "False", Reasons.JOB_FAILED, false, true)),
        row("Flink operator error", p -> observed(p, topics(true),
                flink(p, JobStatus.FAILED, "job-1", "{\"message\":\"Job failed: OutOfMemoryError\"}", true)),
            new Expected(Phase.Failed, "False", Reasons.FLINK_ERROR, false, true)),
        row("upgrade rolled back", p -> observed(p, topics(true), rolledBack(p)),
            new Expected(Phase.Failed, "False", Reasons.UPGRADE_FAILED, false, true)),
        row("upgrade in progress", p -> observed(p, topics(true), flink(p, JobStatus.RUNNING, "job-1", null, false)),
            new Expected(Phase.Upgrading, "False", Reasons.UPGRADE_IN_PROGRESS, true, false)),
        row("upgrade past its deadline", p -> observed(upgradingSince(p, NOW.minus(Duration.ofMinutes(11))), topics(true),
                flink(p, JobStatus.RUNNING, "job-1", null, false)),
            new Expected(Phase.Upgrading, "False", Reasons.UPGRADE_STUCK, false, true)),
        row("upgrade within its deadline", p -> observed(upgradingSince(p, NOW.minus(Duration.ofMinutes(9))), topics(true),
                flink(p, JobStatus.RUNNING, "job-1", null, false)),
            new Expected(Phase.Upgrading, "False", Reasons.UPGRADE_IN_PROGRESS, true, false)),
        row("suspending", p -> observed(suspendedSpec(p), topics(true), flink(p, JobStatus.RUNNING, "job-1", null, false)),
            new Expected(Phase.Upgrading, "False", Reasons.SUSPENDING, true, false)),
        row("suspended as the spec asks", p -> observed(suspendedSpec(p), topics(true), suspended(p)),
            new Expected(Phase.Suspended, "True", Reasons.SUSPENDED, false, false)),
        row("a change to a running job being checked", p -> new Observation(p, topics(true),
                flink(p, JobStatus.RUNNING, "job-1", null, true),
                new UpgradeHold(Reasons.CHECKING_UPGRADE, "checking", false)),
            new Expected(Phase.Upgrading, "False", Reasons.CHECKING_UPGRADE, true, false)),
        row("a change that would lose state held back", p -> new Observation(p, topics(true),
                flink(p, JobStatus.RUNNING, "job-1", null, true),
                new UpgradeHold(Reasons.UPGRADE_BLOCKED, "incompatible", true)),
            new Expected(Phase.Failed, "False", Reasons.UPGRADE_BLOCKED, false, true)),
        row("the upgrade check itself failed", p -> new Observation(p, topics(true),
                flink(p, JobStatus.RUNNING, "job-1", null, true),
                new UpgradeHold(Reasons.UPGRADE_CHECK_FAILED, "image not found", true)),
            new Expected(Phase.Failed, "False", Reasons.UPGRADE_CHECK_FAILED, false, true)),
        row("a running job whose topic lost readiness", p -> observed(p, topics(false),
                flink(p, JobStatus.RUNNING, "job-1", null, true)),
            new Expected(Phase.CreatingTopics, "False", Reasons.TOPICS_NOT_READY, true, false)));
  }

  static Stream<Arguments> blockedPaths() {
    return Stream.of(
        Arguments.of(Reasons.INVALID_SPEC, Phase.Failed, new Expected(Phase.Failed, "False", Reasons.INVALID_SPEC, false, true)),
        Arguments.of(Reasons.KAFKA_CLUSTER_NOT_FOUND, Phase.Pending,
            new Expected(Phase.Pending, "False", Reasons.KAFKA_CLUSTER_NOT_FOUND, true, false)),
        Arguments.of(Reasons.MISSING_APIS, Phase.Pending,
            new Expected(Phase.Pending, "False", Reasons.MISSING_APIS, true, false)),
        Arguments.of(Reasons.RECONCILE_ERROR, Phase.Running,
            new Expected(Phase.Running, "False", Reasons.RECONCILE_ERROR, true, false)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void observedPath(String name, Function<StreamPipeline, Observation> observe, Expected expected) {
    assertStatus(observe.apply(pipeline()).compute(NOW), expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("blockedPaths")
  void blockedPath(String reason, Phase phase, Expected expected) {
    assertStatus(PipelineStatusComputer.blocked(pipeline(), phase, reason, "held back: " + reason, NOW), expected);
  }

  @Test
  void aTransitionTimeMovesOnlyWhenItsConditionFlips() {
    StreamPipeline pipeline = pipeline();
    pipeline.setStatus(running(pipeline).compute(NOW));
    Instant later = NOW.plus(Duration.ofMinutes(5));
    StreamPipelineStatus stillRunning = running(pipeline).compute(later);
    assertThat(stillRunning).as("an unchanged observation gives an unchanged status (no write)")
        .isEqualTo(pipeline.getStatus());

    StreamPipelineStatus failed = observed(pipeline, topics(true), flink(pipeline, JobStatus.FAILED, "job-1", null, true))
        .compute(later);
    assertThat(failed.condition(Conditions.STALLED).orElseThrow().getLastTransitionTime()).isEqualTo(later.toString());
    assertThat(failed.condition(Conditions.TOPICS_READY).orElseThrow().getLastTransitionTime()).isEqualTo(NOW.toString());
  }

  private static void assertStatus(StreamPipelineStatus status, Expected expected) {
    assertThat(status.getPhase()).isEqualTo(expected.phase());
    assertThat(status.getObservedGeneration()).isEqualTo(GENERATION);
    assertThat(status.getConditions()).extracting(Condition::getType).containsExactly(Conditions.TOPICS_READY,
        Conditions.JOB_READY, Conditions.READY, Conditions.RECONCILING, Conditions.STALLED, Conditions.CAUGHT_UP);
    assertThat(status.getConditions()).allSatisfy(c -> {
      assertThat(c.getObservedGeneration()).as("%s observedGeneration", c.getType()).isEqualTo(GENERATION);
      assertThat(c.getReason()).as("%s reason", c.getType()).matches("[A-Z][A-Za-z]+");
      assertThat(c.getMessage()).as("%s message", c.getType()).isNotBlank();
    });
    Condition ready = status.condition(Conditions.READY).orElseThrow();
    assertThat(ready.getStatus()).as("Ready: %s", ready.getMessage()).isEqualTo(expected.ready());
    assertThat(ready.getReason()).isEqualTo(expected.readyReason());
    assertThat(status.condition(Conditions.RECONCILING).orElseThrow().getStatus()).as("Reconciling")
        .isEqualTo(expected.reconciling() ? "True" : "False");
    Condition stalled = status.condition(Conditions.STALLED).orElseThrow();
    assertThat(stalled.getStatus()).as("Stalled").isEqualTo(expected.stalled() ? "True" : "False");
    if (expected.stalled()) {
      assertThat(stalled.getReason()).isEqualTo(expected.readyReason());
      assertThat(stalled.getMessage()).isEqualTo(ready.getMessage());
    }
  }

  private static Arguments row(String name, Function<StreamPipeline, Observation> observe, Expected expected) {
    return Arguments.of(name, observe, expected);
  }

  private static Observation observed(StreamPipeline pipeline, List<TopicStatus> topics, FlinkDeployment deployment) {
    return new Observation(pipeline, topics, deployment, null);
  }

  private static Observation running(StreamPipeline pipeline) {
    return observed(pipeline, topics(true), flink(pipeline, JobStatus.RUNNING, "job-1", null, true));
  }

  private static StreamPipeline pipeline() {
    try (InputStream in = PipelineStatusComputerTest.class.getResourceAsStream("/wordcount-pipeline.yaml")) {
      StreamPipeline pipeline = Serialization.unmarshal(in, StreamPipeline.class);
      pipeline.getMetadata().setNamespace("sp");
      pipeline.getMetadata().setGeneration(GENERATION);
      pipeline.setStatus(null);
      return pipeline;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<TopicStatus> topics(boolean linesReady) {
    return List.of(
        new TopicStatus("lines", "lines", PipelineChildren.ROLE_SOURCE, true, linesReady,
            linesReady ? null : "partitions being created"),
        new TopicStatus("word-counts", "word-counts", PipelineChildren.ROLE_SINK, true, true, null));
  }

  private static FlinkDeployment flink(StreamPipeline pipeline, JobStatus job, String jobId, String error,
      boolean caughtUp) {
    FlinkDeployment deployment = PipelineChildren.flinkDeployment(pipeline, OperatorConfig.defaults());
    deployment.getMetadata().setGeneration(2L);
    deployment.setStatus(PlayedOperators.flinkDeploymentStatus(deployment, job, jobId, error, caughtUp));
    return deployment;
  }

  private static FlinkDeployment rolledBack(StreamPipeline pipeline) {
    FlinkDeployment deployment = flink(pipeline, JobStatus.RUNNING, "job-1", null, true);
    deployment.getStatus().getReconciliationStatus().setState(ReconciliationState.ROLLED_BACK);
    return deployment;
  }

  private static FlinkDeployment suspended(StreamPipeline pipeline) {
    FlinkDeployment deployment = flink(pipeline, JobStatus.FINISHED, "job-1", null, true);
    deployment.getSpec().getJob().setState(org.apache.flink.kubernetes.operator.api.spec.JobState.SUSPENDED);
    deployment.setStatus(PlayedOperators.flinkDeploymentStatus(deployment, JobStatus.FINISHED, "job-1", null, true));
    return deployment;
  }

  private static StreamPipeline suspendedSpec(StreamPipeline pipeline) {
    pipeline.getSpec().getJob().setState(JobState.SUSPENDED);
    return pipeline;
  }

  /** A pipeline whose last status said the job has been upgrading since {@code since}. */
  private static StreamPipeline upgradingSince(StreamPipeline pipeline, Instant since) {
    StreamPipelineStatus status = new StreamPipelineStatus();
    status.setConditions(List.of(new ConditionBuilder().withType(Conditions.JOB_READY).withStatus("False")
        .withReason(Reasons.UPGRADE_IN_PROGRESS).withLastTransitionTime(since.toString()).build()));
    pipeline.setStatus(status);
    return pipeline;
  }
}
