package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a pipeline's Kafka clients authenticate: the two client authentications Strimzi's User Operator issues. */
public enum KafkaAuthenticationType {
  /** SASL SCRAM-SHA-512 with a password (Secret keys {@code password} and {@code sasl.jaas.config}). */
  @JsonProperty("scram-sha-512")
  SCRAM_SHA_512("scram-sha-512"),
  /** Mutual TLS with a client certificate (Secret keys {@code user.crt}, {@code user.key}, {@code user.p12}, {@code user.password}). */
  @JsonProperty("tls")
  TLS("tls");

  private final String strimziType;

  KafkaAuthenticationType(String strimziType) {
    this.strimziType = strimziType;
  }

  /** The name Strimzi gives this authentication in a listener's and a KafkaUser's {@code authentication.type}. */
  public String strimziType() {
    return strimziType;
  }
}
