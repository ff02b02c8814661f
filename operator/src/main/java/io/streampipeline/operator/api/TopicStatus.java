package io.streampipeline.operator.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One of the pipeline's Kafka topics as Strimzi reports it. */
@JsonClassDescription("One of the pipeline's Kafka topics as Strimzi reports it.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TopicStatus {

  @JsonPropertyDescription("Kafka topic name.")
  private String topic;
  @JsonPropertyDescription("Name of its KafkaTopic resource (kafka.strimzi.io).")
  private String kafkaTopic;
  @JsonPropertyDescription("What the pipeline uses it for: source, sink or deadLetter.")
  private String role;
  @JsonPropertyDescription("False for a KafkaTopic this pipeline did not create: it is used as it is, never"
      + " changed or deleted.")
  private boolean managed;
  @JsonPropertyDescription("Whether Strimzi reports the KafkaTopic Ready for its current generation.")
  private boolean ready;
  @JsonPropertyDescription("Strimzi's message when the topic is not Ready.")
  private String message;

  public TopicStatus() {}

  public TopicStatus(String topic, String kafkaTopic, String role, boolean managed, boolean ready, String message) {
    this.topic = topic;
    this.kafkaTopic = kafkaTopic;
    this.role = role;
    this.managed = managed;
    this.ready = ready;
    this.message = message;
  }

  public String getTopic() {
    return topic;
  }

  public void setTopic(String topic) {
    this.topic = topic;
  }

  public String getKafkaTopic() {
    return kafkaTopic;
  }

  public void setKafkaTopic(String kafkaTopic) {
    this.kafkaTopic = kafkaTopic;
  }

  public String getRole() {
    return role;
  }

  public void setRole(String role) {
    this.role = role;
  }

  public boolean isManaged() {
    return managed;
  }

  public void setManaged(boolean managed) {
    this.managed = managed;
  }

  public boolean isReady() {
    return ready;
  }

  public void setReady(boolean ready) {
    this.ready = ready;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopicStatus t && managed == t.managed && ready == t.ready && Objects.equals(topic, t.topic)
        && Objects.equals(kafkaTopic, t.kafkaTopic) && Objects.equals(role, t.role)
        && Objects.equals(message, t.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, kafkaTopic, role, managed, ready, message);
  }
}
