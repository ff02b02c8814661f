package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Kafka topic settings shared by sources, the sink and the dead-letter topic. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class TopicSpec {

  @Required
  @Pattern("^[a-zA-Z0-9._-]{1,249}$")
  @Size(max = 249)
  @JsonPropertyDescription("Kafka topic name.")
  private String topic;

  @Min(1)
  @Max(10000)
  @Default("1")
  @JsonPropertyDescription("Number of partitions; can grow, never shrink.")
  private Integer partitions = 1;

  @Min(1)
  @Max(32767)
  @Default("1")
  @JsonPropertyDescription("Replication factor.")
  private Integer replicas = 1;

  @JsonPropertyDescription("Kafka topic configuration, such as retention.ms or cleanup.policy.")
  private Map<String, String> config = new LinkedHashMap<>();

  public String getTopic() {
    return topic;
  }

  public void setTopic(String topic) {
    this.topic = topic;
  }

  public Integer getPartitions() {
    return partitions;
  }

  public void setPartitions(Integer partitions) {
    this.partitions = partitions;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Map<String, String> getConfig() {
    return config;
  }

  public void setConfig(Map<String, String> config) {
    this.config = config;
  }
}
