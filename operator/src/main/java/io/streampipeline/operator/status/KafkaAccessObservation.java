package io.streampipeline.operator.status;

import io.streampipeline.operator.api.KafkaAccessStatus;

/**
 * What was observed of the pipeline's way into Kafka: its status entry, and when its credentials are not usable
 * yet (a KafkaUser not Ready, a Secret or key missing), the condition reason and message that say why. The job is
 * deployed only once they are usable, as only once every topic is Ready.
 *
 * @param reason null when ready
 */
public record KafkaAccessObservation(KafkaAccessStatus status, String reason, String message) {

  /** Credentials usable, or none needed. */
  public static KafkaAccessObservation ready(KafkaAccessStatus status) {
    return new KafkaAccessObservation(status, null, null);
  }

  public boolean ready() {
    return reason == null;
  }

  /** Whether only a change by someone (of the spec, a Secret, the Kafka) lets the pipeline go on. */
  public boolean stalled() {
    return !ready() && Conditions.STALLED_REASONS.contains(reason);
  }
}
