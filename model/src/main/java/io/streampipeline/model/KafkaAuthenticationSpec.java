package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * How the job authenticates to Kafka. Without a Secret the operator creates a Strimzi KafkaUser for the pipeline,
 * with exactly the ACLs the job needs; with one, the user it holds must already have them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KafkaAuthenticationSpec {

  @Required
  @JsonPropertyDescription("scram-sha-512 (SASL SCRAM-SHA-512 with a password) or tls (mutual TLS with a client"
      + " certificate); the listener must offer it.")
  private KafkaAuthenticationType type;

  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("A Secret in the pipeline's namespace in the layout Strimzi's User Operator writes"
      + " (scram-sha-512: sasl.jaas.config; tls: user.p12 and user.password). Absent: the operator creates a"
      + " KafkaUser for the pipeline and uses the Secret Strimzi makes for it.")
  private String secretName;

  public KafkaAuthenticationSpec() {}

  public KafkaAuthenticationSpec(KafkaAuthenticationType type, String secretName) {
    this.type = type;
    this.secretName = secretName;
  }

  public KafkaAuthenticationType getType() {
    return type;
  }

  public void setType(KafkaAuthenticationType type) {
    this.type = type;
  }

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }
}
