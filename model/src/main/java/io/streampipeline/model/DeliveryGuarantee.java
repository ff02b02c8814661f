package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum DeliveryGuarantee {
  /** Sink writes are Kafka transactions committed on checkpoints; readers use read_committed. */
  @JsonProperty("exactly-once")
  EXACTLY_ONCE,
  /** Sink writes are flushed on checkpoints; a restart may repeat records written since the last one. */
  @JsonProperty("at-least-once")
  AT_LEAST_ONCE
}
