package io.streampipeline.operator.children;

/**
 * The pipeline cannot reach Kafka as its spec asks; nothing is deployed. The reason is a condition reason
 * (CamelCase), the message names the field, the listener or the Secret; never a secret value.
 */
public class KafkaAccessRefused extends RuntimeException {

  private final String reason;

  public KafkaAccessRefused(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
