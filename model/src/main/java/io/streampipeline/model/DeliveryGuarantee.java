package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum DeliveryGuarantee {
  /** Sink writes are Kafka transactions committed on checkpoints; readers use read_committed. */
  @JsonProperty("exactly-once")
  EXACTLY_ONCE,
  /** Sink writes are flushed on checkpoints; a restart may repeat records written since the last one. */
  @JsonProperty("at-least-once")
  AT_LEAST_ONCE;

  /** Flink's option for the checkpointing mode, set from {@link #checkpointingMode()} on the job and its deployment. */
  public static final String CHECKPOINTING_MODE_OPTION = "execution.checkpointing.mode";

  /**
   * The value of {@link #CHECKPOINTING_MODE_OPTION} this guarantee needs: exactly-once aligns barriers so that
   * state and transactions agree; at-least-once skips alignment (lower latency under backpressure) since a
   * replay after a restart may repeat output anyway.
   */
  public String checkpointingMode() {
    return name();
  }
}
