package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class TopicsSpec {

  /** What deleting the pipeline does to the topics it created. */
  public enum DeletionPolicy {
    /** Topics and their records stay; their KafkaTopics are released to be managed by hand. */
    Retain,
    /** Topics the pipeline created are deleted with it. */
    Delete
  }

  @Default("Retain")
  @JsonPropertyDescription("Retain (default) keeps topics and records when the pipeline is deleted; Delete removes"
      + " the topics the pipeline created. Topics it did not create are never deleted.")
  private DeletionPolicy deletionPolicy = DeletionPolicy.Retain;

  public DeletionPolicy getDeletionPolicy() {
    return deletionPolicy;
  }

  public void setDeletionPolicy(DeletionPolicy deletionPolicy) {
    this.deletionPolicy = deletionPolicy;
  }
}
