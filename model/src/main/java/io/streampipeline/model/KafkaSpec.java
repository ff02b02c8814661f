package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * The Strimzi Kafka cluster a pipeline uses, and how its job reaches it. With a {@code listener}, the address,
 * TLS and the authentication the listener takes come from the Kafka resource itself (its status and spec), not
 * from guessed Service names; {@code authentication} and {@code tls} say how the job meets them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.authentication) || has(self.listener)",
    message = "spec.kafka.authentication needs spec.kafka.listener: the Strimzi listener says whether the"
        + " connection is TLS and which authentication it takes",
    fieldPath = ".authentication")
@ValidationRule(
    value = "!has(self.tls) || has(self.listener)",
    message = "spec.kafka.tls needs spec.kafka.listener: only a TLS listener uses it",
    fieldPath = ".tls")
public class KafkaSpec {

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @Size(max = 63)
  @JsonPropertyDescription("Name of the Strimzi Kafka cluster; set as the strimzi.io/cluster label on the topics.")
  private String cluster;

  @JsonPropertyDescription("Bootstrap servers the job connects to; defaults to the listener's address in the Kafka's"
      + " status, or without a listener to Strimzi's <cluster>-kafka-bootstrap.<namespace>.svc:9092.")
  @Size(max = 1024)
  private String bootstrapServers;

  @Pattern("^[a-z0-9]{1,11}$")
  @JsonPropertyDescription("Name of a listener in the Kafka resource's spec.kafka.listeners. The job connects to"
      + " the listener's bootstrap address from the Kafka's status (unless bootstrapServers overrides it), with TLS"
      + " when the listener has it, and with spec.kafka.authentication when the listener requires authentication."
      + " Absent: plaintext without authentication.")
  private String listener;

  @JsonPropertyDescription("How the job authenticates; required when the listener requires authentication.")
  private KafkaAuthenticationSpec authentication;

  @JsonPropertyDescription("TLS settings for a TLS listener.")
  private KafkaTlsSpec tls;

  public String getCluster() {
    return cluster;
  }

  public void setCluster(String cluster) {
    this.cluster = cluster;
  }

  public String getBootstrapServers() {
    return bootstrapServers;
  }

  public void setBootstrapServers(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  public String getListener() {
    return listener;
  }

  public void setListener(String listener) {
    this.listener = listener;
  }

  public KafkaAuthenticationSpec getAuthentication() {
    return authentication;
  }

  public void setAuthentication(KafkaAuthenticationSpec authentication) {
    this.authentication = authentication;
  }

  public KafkaTlsSpec getTls() {
    return tls;
  }

  public void setTls(KafkaTlsSpec tls) {
    this.tls = tls;
  }
}
