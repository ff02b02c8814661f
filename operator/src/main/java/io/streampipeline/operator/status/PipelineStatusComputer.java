package io.streampipeline.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.streampipeline.model.JobState;
import io.streampipeline.operator.api.Phase;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.api.StreamPipelineStatus;
import io.streampipeline.operator.api.TopicStatus;
import io.streampipeline.operator.progress.JobProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;

/**
 * Computes a pipeline's status from what was observed: pure, so that the same observation always gives the
 * same status and an unchanged world gives an unchanged status (and no write).
 */
public final class PipelineStatusComputer {

  /** An upgrade that has not finished after this long is reported as stuck. */
  static final Duration UPGRADE_DEADLINE = Duration.ofMinutes(10);

  private PipelineStatusComputer() {}

  /** Something outside the children holds the pipeline back; no child was touched. */
  public static StreamPipelineStatus blocked(StreamPipeline pipeline, Phase phase, String reason, String message,
      Instant now) {
    List<Condition> previous = previousConditions(pipeline);
    long generation = generation(pipeline);
    StreamPipelineStatus status = carryOver(pipeline);
    status.setPhase(phase);
    status.setError(message);
    // The job was not looked at: what was last seen of its progress still holds.
    Condition caughtUp = previous.stream().filter(c -> Conditions.CAUGHT_UP.equals(c.getType())).findFirst()
        .orElseGet(() -> CaughtUp.condition(previous, phase, null, 0, generation, now));
    status.setConditions(conditions(previous,
        Conditions.next(previous, Conditions.TOPICS_READY, false, reason, message, generation, now),
        Conditions.next(previous, Conditions.JOB_READY, false, reason, message, generation, now),
        Conditions.next(previous, Conditions.READY, false, reason, message, generation, now), caughtUp,
        generation, now));
    return status;
  }

  /**
   * @param access the pipeline's way into Kafka; while its credentials are not usable the job is not deployed
   *     (and a deployed one is not Ready: it could not reconnect)
   * @param deployment null when there is none yet
   * @param hold a change held back from the FlinkDeployment by the upgrade check; null when none is
   * @param progress the latest poll of the job's progress; null when there is none
   * @param caughtUpBacklog the spec's threshold for CaughtUp
   */
  public static StreamPipelineStatus observed(StreamPipeline pipeline, List<TopicStatus> topics,
      KafkaAccessObservation access, FlinkDeployment deployment, UpgradeHold hold, JobProgress progress,
      long caughtUpBacklog, Instant now) {
    List<Condition> previous = previousConditions(pipeline);
    long generation = generation(pipeline);
    StreamPipelineStatus status = new StreamPipelineStatus();
    status.setObservedGeneration(generation);
    status.setTopics(List.copyOf(topics));
    long ready = topics.stream().filter(TopicStatus::isReady).count();
    status.setTopicsReady(ready + "/" + topics.size());

    boolean topicsReady = ready == topics.size();
    String topicsMessage = topicsReady ? ready + " of " + topics.size() + " topics ready"
        : "waiting for topics: " + topics.stream().filter(t -> !t.isReady())
            .map(t -> t.getTopic() + " (" + t.getMessage() + ")").collect(Collectors.joining(", "));
    Condition topicsCondition = Conditions.next(previous, Conditions.TOPICS_READY, topicsReady,
        topicsReady ? Reasons.TOPICS_READY : Reasons.TOPICS_NOT_READY, topicsMessage, generation, now);

    status.setKafka(access.status());
    JobVerdict job = deployment == null && topicsReady && !access.ready()
        ? new JobVerdict(false, access.stalled() ? Phase.Failed : Phase.Pending, access.reason(), access.message(),
            access.stalled() ? access.message() : null)
        : judgeJob(pipeline, topicsReady, deployment, hold, previous, now);
    if (deployment != null) {
      status.setJob(FlinkJobObservation.of(deployment).summary());
    }
    Condition jobCondition = Conditions.next(previous, Conditions.JOB_READY, job.ready, job.reason, job.message,
        generation, now);
    Condition readyCondition;
    if (topicsReady && !access.ready()) {
      readyCondition = Conditions.next(previous, Conditions.READY, false, access.reason(), access.message(),
          generation, now);
    } else if (topicsReady && job.ready) {
      readyCondition = Conditions.next(previous, Conditions.READY, true, Reasons.JOB_RUNNING,
          "topics ready and the job runs the current spec", generation, now);
    } else if (topicsReady && job.phase == Phase.Suspended) {
      // Suspended as the spec asks is where the spec wants the pipeline: a GitOps tool must see it as done.
      readyCondition = Conditions.next(previous, Conditions.READY, true, job.reason, job.message, generation, now);
    } else {
      readyCondition = Conditions.next(previous, Conditions.READY, false,
          topicsReady ? job.reason : Reasons.TOPICS_NOT_READY,
          topicsReady ? job.message : topicsMessage, generation, now);
    }
    Phase phase = topicsReady || job.phase == Phase.Failed ? job.phase : Phase.CreatingTopics;
    Condition caughtUp = CaughtUp.condition(previous, phase, progress, caughtUpBacklog, generation, now);
    status.setConditions(conditions(previous, topicsCondition, jobCondition, readyCondition, caughtUp, generation,
        now));
    status.setPhase(phase);
    status.setProgress(CaughtUp.progress(phase, progress));
    status.setError(job.error);
    return status;
  }

  /**
   * {@code observed}, with Ready False (reason {@value Reasons#CHILD_CHANGED_EXTERNALLY}, so Stalled) because the
   * operator leaves a child that someone keeps changing as it is for now; {@code message} says which and until when.
   */
  public static StreamPipelineStatus childrenHeldBack(StreamPipeline pipeline, StreamPipelineStatus observed,
      String message, Instant now) {
    List<Condition> previous = previousConditions(pipeline);
    long generation = generation(pipeline);
    Condition ready = Conditions.next(previous, Conditions.READY, false, Reasons.CHILD_CHANGED_EXTERNALLY, message,
        generation, now);
    observed.setConditions(conditions(previous, condition(observed, Conditions.TOPICS_READY),
        condition(observed, Conditions.JOB_READY), ready, condition(observed, Conditions.CAUGHT_UP), generation, now));
    return observed;
  }

  private static Condition condition(StreamPipelineStatus status, String type) {
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
  }

  private static List<Condition> conditions(List<Condition> previous, Condition topics, Condition job, Condition ready,
      Condition caughtUp, long generation, Instant now) {
    List<Condition> all = new ArrayList<>(List.of(topics, job, ready));
    all.addAll(Conditions.kstatus(previous, ready, generation, now));
    all.add(caughtUp);
    return List.copyOf(all);
  }

  private record JobVerdict(boolean ready, Phase phase, String reason, String message, String error) {}

  private static JobVerdict judgeJob(StreamPipeline pipeline, boolean topicsReady, FlinkDeployment deployment,
      UpgradeHold hold, List<Condition> previous, Instant now) {
    if (deployment == null) {
      return topicsReady
          ? new JobVerdict(false, Phase.Deploying, Reasons.DEPLOYING, "creating the FlinkDeployment", null)
          : new JobVerdict(false, Phase.CreatingTopics, Reasons.WAITING_FOR_TOPICS,
              "the FlinkDeployment is created once every topic is ready", null);
    }
    FlinkJobObservation flink = FlinkJobObservation.of(deployment);
    boolean wantSuspended = pipeline.getSpec().getJob() != null
        && pipeline.getSpec().getJob().getState() == JobState.SUSPENDED;
    if (flink.error() != null && (flink.failed() || flink.rolledBack() || !flink.caughtUp())) {
      String reason = flink.rolledBack() ? Reasons.UPGRADE_FAILED : Reasons.FLINK_ERROR;
      return new JobVerdict(false, Phase.Failed, reason, "Flink operator: " + flink.error(), flink.error());
    }
    if (flink.rolledBack()) {
      String message = "the Flink operator rolled the job back to its last stable spec";
      return new JobVerdict(false, Phase.Failed, Reasons.UPGRADE_FAILED, message, message);
    }
    if (flink.failed()) {
      String message = "the Flink job failed" + (flink.error() == null ? "" : ": " + flink.error());
      return new JobVerdict(false, Phase.Failed, Reasons.JOB_FAILED, message, message);
    }
    if (hold != null) {
      // The job still runs the previous version: what holds the change back is what the user must see.
      return hold.stalled()
          ? new JobVerdict(false, Phase.Failed, hold.reason(), hold.message(), hold.message())
          : new JobVerdict(false, Phase.Upgrading, hold.reason(), hold.message(), null);
    }
    if (wantSuspended) {
      return flink.suspended() && flink.caughtUp()
          ? new JobVerdict(false, Phase.Suspended, Reasons.SUSPENDED, "the job is suspended as the spec asks", null)
          : new JobVerdict(false, Phase.Upgrading, Reasons.SUSPENDING, "suspending the job", null);
    }
    if (flink.upgrading() || flink.suspended()) {
      if (!flink.deployedBefore()) {
        return new JobVerdict(false, Phase.Deploying, Reasons.DEPLOYING, "waiting for the Flink operator to deploy the job", null);
      }
      if (upgradingSince(previous).map(since -> Duration.between(since, now).compareTo(UPGRADE_DEADLINE) > 0)
          .orElse(false)) {
        String message = "the job upgrade has not finished after " + UPGRADE_DEADLINE.toMinutes()
            + " minutes; check the FlinkDeployment's events";
        return new JobVerdict(false, Phase.Upgrading, Reasons.UPGRADE_STUCK, message, message);
      }
      return new JobVerdict(false, Phase.Upgrading, Reasons.UPGRADE_IN_PROGRESS,
          "the Flink operator is upgrading the job to the current spec", null);
    }
    if (flink.running()) {
      return new JobVerdict(true, Phase.Running, Reasons.JOB_RUNNING, "job " + flink.jobId() + " is running", null);
    }
    return new JobVerdict(false, Phase.Deploying, Reasons.DEPLOYING,
        "job state " + Objects.requireNonNullElse(flink.jobState(), "unknown") + ", lifecycle "
            + Objects.requireNonNullElse(flink.lifecycle(), "unknown"), null);
  }

  private static java.util.Optional<Instant> upgradingSince(List<Condition> previous) {
    return previous.stream()
        .filter(c -> Conditions.JOB_READY.equals(c.getType()) && "False".equals(c.getStatus())
            && (Reasons.UPGRADE_IN_PROGRESS.equals(c.getReason()) || Reasons.UPGRADE_STUCK.equals(c.getReason())))
        .map(c -> Instant.parse(c.getLastTransitionTime()))
        .findFirst();
  }

  private static StreamPipelineStatus carryOver(StreamPipeline pipeline) {
    StreamPipelineStatus status = new StreamPipelineStatus();
    status.setObservedGeneration(generation(pipeline));
    if (pipeline.getStatus() != null) {
      status.setTopics(new ArrayList<>(pipeline.getStatus().getTopics()));
      status.setTopicsReady(pipeline.getStatus().getTopicsReady());
      status.setJob(pipeline.getStatus().getJob());
      status.setProgress(pipeline.getStatus().getProgress());
      status.setKafka(pipeline.getStatus().getKafka());
      status.setUpgradeCheck(pipeline.getStatus().getUpgradeCheck());
    }
    return status;
  }

  private static List<Condition> previousConditions(StreamPipeline pipeline) {
    return pipeline.getStatus() == null || pipeline.getStatus().getConditions() == null ? List.of()
        : pipeline.getStatus().getConditions();
  }

  private static long generation(StreamPipeline pipeline) {
    return Objects.requireNonNullElse(pipeline.getMetadata().getGeneration(), 0L);
  }
}
