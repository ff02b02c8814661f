package io.streampipeline.operator.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the operator observed: conditions {@code TopicsReady}, {@code JobReady}, {@code Ready}, kstatus'
 * {@code Reconciling} and {@code Stalled}, and {@code CaughtUp} (each with reason, message, lastTransitionTime and
 * observedGeneration), per-topic readiness, the job, its progress, and the error that holds the pipeline back.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("What the operator observed; written only by the operator.")
public class StreamPipelineStatus {

  @JsonPropertyDescription("The metadata.generation of the spec this status describes; older than the current"
      + " generation while the operator has not looked at the latest change.")
  private Long observedGeneration;
  @JsonPropertyDescription("Where the pipeline is on its way to a running job: Pending, CreatingTopics, Deploying,"
      + " Running, Upgrading, Suspended or Failed.")
  private Phase phase;
  @JsonPropertyDescription("TopicsReady, JobReady and Ready; Reconciling while the operator works toward the spec,"
      + " Stalled when it cannot progress without a change (kstatus conventions, read by Flux and Argo CD); CaughtUp"
      + " while every source's backlog is below spec.job.caughtUpBacklog.")
  private List<Condition> conditions = new ArrayList<>();
  @JsonPropertyDescription("Each Kafka topic of the pipeline and whether Strimzi reports it Ready.")
  private List<TopicStatus> topics = new ArrayList<>();
  @JsonPropertyDescription("Topics ready out of all, as ready/total.")
  private String topicsReady;
  @JsonPropertyDescription("The Flink job as the Flink operator reports it.")
  private JobStatusSummary job;
  @JsonPropertyDescription("The error that holds the pipeline back, for people; absent when there is none.")
  private String error;
  @JsonPropertyDescription("How far the running job is behind its sources, coarse (see CaughtUp); absent while the"
      + " job is not running.")
  private ProgressStatus progress;
  @JsonPropertyDescription("How the job reaches Kafka: listener, security, Kafka user, credentials readiness.")
  private KafkaAccessStatus kafka;
  @JsonPropertyDescription("The last check of a change to a job that has state: whether the new version restores the"
      + " running one's state. A change it refuses is not applied (Stalled, reason UpgradeBlocked).")
  private UpgradeCheckStatus upgradeCheck;

  public Optional<Condition> condition(String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Phase getPhase() {
    return phase;
  }

  public void setPhase(Phase phase) {
    this.phase = phase;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public List<TopicStatus> getTopics() {
    return topics;
  }

  public void setTopics(List<TopicStatus> topics) {
    this.topics = topics;
  }

  public String getTopicsReady() {
    return topicsReady;
  }

  public void setTopicsReady(String topicsReady) {
    this.topicsReady = topicsReady;
  }

  public JobStatusSummary getJob() {
    return job;
  }

  public void setJob(JobStatusSummary job) {
    this.job = job;
  }

  public String getError() {
    return error;
  }

  public void setError(String error) {
    this.error = error;
  }

  public ProgressStatus getProgress() {
    return progress;
  }

  public void setProgress(ProgressStatus progress) {
    this.progress = progress;
  }

  public KafkaAccessStatus getKafka() {
    return kafka;
  }

  public void setKafka(KafkaAccessStatus kafka) {
    this.kafka = kafka;
  }

  public UpgradeCheckStatus getUpgradeCheck() {
    return upgradeCheck;
  }

  public void setUpgradeCheck(UpgradeCheckStatus upgradeCheck) {
    this.upgradeCheck = upgradeCheck;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StreamPipelineStatus s && Objects.equals(observedGeneration, s.observedGeneration)
        && phase == s.phase && Objects.equals(conditions, s.conditions) && Objects.equals(topics, s.topics)
        && Objects.equals(topicsReady, s.topicsReady) && Objects.equals(job, s.job)
        && Objects.equals(error, s.error) && Objects.equals(progress, s.progress)
        && Objects.equals(kafka, s.kafka)
        && Objects.equals(upgradeCheck, s.upgradeCheck);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, phase, conditions, topics, topicsReady, job, error, progress, kafka,
        upgradeCheck);
  }
}
