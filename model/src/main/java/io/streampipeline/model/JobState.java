package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The state the user wants the job in. */
public enum JobState {
  @JsonProperty("running")
  RUNNING,
  @JsonProperty("suspended")
  SUSPENDED
}
