package io.streampipeline.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the operator observed: conditions {@code TopicsReady}, {@code JobReady} and {@code Ready} (each with
 * reason, message, lastTransitionTime and observedGeneration), per-topic readiness, the job, and the error
 * that holds the pipeline back.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StreamPipelineStatus {

  private Long observedGeneration;
  private Phase phase;
  private List<Condition> conditions = new ArrayList<>();
  private List<TopicStatus> topics = new ArrayList<>();
  /** "ready/total", for {@code kubectl get sp}. */
  private String topicsReady;
  private JobStatusSummary job;
  /** The error that holds the pipeline back, for people; null when there is none. */
  private String error;

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

  @Override
  public boolean equals(Object o) {
    return o instanceof StreamPipelineStatus s && Objects.equals(observedGeneration, s.observedGeneration)
        && phase == s.phase && Objects.equals(conditions, s.conditions) && Objects.equals(topics, s.topics)
        && Objects.equals(topicsReady, s.topicsReady) && Objects.equals(job, s.job)
        && Objects.equals(error, s.error);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, phase, conditions, topics, topicsReady, job, error);
  }
}
