package io.streampipeline.operator.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** How the job reaches Kafka: the listener, its security, and the Kafka user and Secret it authenticates with. */
@JsonClassDescription("How the job reaches Kafka: listener, security, Kafka user and credentials. Never a secret value.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KafkaAccessStatus {

  @JsonPropertyDescription("The Strimzi listener used (spec.kafka.listener); absent for plaintext without one.")
  private String listener;
  @JsonPropertyDescription("The bootstrap servers the job connects to.")
  private String bootstrapServers;
  @JsonPropertyDescription("The clients' security.protocol: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.")
  private String securityProtocol;
  @JsonPropertyDescription("scram-sha-512 or tls; absent without authentication.")
  private String authentication;
  @JsonPropertyDescription("The KafkaUser the operator created for the pipeline; absent when spec.kafka.authentication"
      + " names a Secret.")
  private String user;
  @JsonPropertyDescription("The Secret holding the credentials the Flink pods mount.")
  private String secret;
  @JsonPropertyDescription("Whether the credentials are usable: the KafkaUser Ready (when the operator made one) and"
      + " every Secret the pods mount present with its keys.")
  private boolean credentialsReady;

  public KafkaAccessStatus() {}

  public KafkaAccessStatus(String listener, String bootstrapServers, String securityProtocol, String authentication,
      String user, String secret, boolean credentialsReady) {
    this.listener = listener;
    this.bootstrapServers = bootstrapServers;
    this.securityProtocol = securityProtocol;
    this.authentication = authentication;
    this.user = user;
    this.secret = secret;
    this.credentialsReady = credentialsReady;
  }

  public String getListener() {
    return listener;
  }

  public void setListener(String listener) {
    this.listener = listener;
  }

  public String getBootstrapServers() {
    return bootstrapServers;
  }

  public void setBootstrapServers(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  public String getSecurityProtocol() {
    return securityProtocol;
  }

  public void setSecurityProtocol(String securityProtocol) {
    this.securityProtocol = securityProtocol;
  }

  public String getAuthentication() {
    return authentication;
  }

  public void setAuthentication(String authentication) {
    this.authentication = authentication;
  }

  public String getUser() {
    return user;
  }

  public void setUser(String user) {
    this.user = user;
  }

  public String getSecret() {
    return secret;
  }

  public void setSecret(String secret) {
    this.secret = secret;
  }

  public boolean isCredentialsReady() {
    return credentialsReady;
  }

  public void setCredentialsReady(boolean credentialsReady) {
    this.credentialsReady = credentialsReady;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KafkaAccessStatus s && Objects.equals(listener, s.listener)
        && Objects.equals(bootstrapServers, s.bootstrapServers) && Objects.equals(securityProtocol, s.securityProtocol)
        && Objects.equals(authentication, s.authentication) && Objects.equals(user, s.user)
        && Objects.equals(secret, s.secret) && credentialsReady == s.credentialsReady;
  }

  @Override
  public int hashCode() {
    return Objects.hash(listener, bootstrapServers, securityProtocol, authentication, user, secret, credentialsReady);
  }
}
