package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the Flink operator carries state across a job upgrade; the values of its own {@code upgradeMode}. */
public enum UpgradeMode {
  @JsonProperty("savepoint")
  SAVEPOINT("savepoint"),
  @JsonProperty("last-state")
  LAST_STATE("last-state"),
  @JsonProperty("stateless")
  STATELESS("stateless");

  private final String flinkName;

  UpgradeMode(String flinkName) {
    this.flinkName = flinkName;
  }

  public String flinkName() {
    return flinkName;
  }
}
