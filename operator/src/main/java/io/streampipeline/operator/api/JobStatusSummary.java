package io.streampipeline.operator.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** The Flink job as the Flink operator reports it on the FlinkDeployment. */
@JsonClassDescription("The Flink job as the Flink operator reports it on the FlinkDeployment.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JobStatusSummary {

  @JsonPropertyDescription("Flink's job state: CREATED, RUNNING, FAILING, FAILED, CANCELED, FINISHED, RESTARTING,"
      + " SUSPENDED, RECONCILING.")
  private String state;
  @JsonPropertyDescription("The FlinkDeployment's lifecycle state: CREATED, DEPLOYED, STABLE, UPGRADING, SUSPENDED,"
      + " ROLLING_BACK, ROLLED_BACK, FAILED.")
  private String lifecycleState;
  @JsonPropertyDescription("Flink's id of the running (or last) job.")
  private String jobId;
  @JsonPropertyDescription("Location of the last completed savepoint.")
  private String lastSavepoint;
  @JsonPropertyDescription("Name of the FlinkDeployment (flink.apache.org) that runs the job.")
  private String flinkDeployment;

  public String getState() {
    return state;
  }

  public void setState(String state) {
    this.state = state;
  }

  public String getLifecycleState() {
    return lifecycleState;
  }

  public void setLifecycleState(String lifecycleState) {
    this.lifecycleState = lifecycleState;
  }

  public String getJobId() {
    return jobId;
  }

  public void setJobId(String jobId) {
    this.jobId = jobId;
  }

  public String getLastSavepoint() {
    return lastSavepoint;
  }

  public void setLastSavepoint(String lastSavepoint) {
    this.lastSavepoint = lastSavepoint;
  }

  public String getFlinkDeployment() {
    return flinkDeployment;
  }

  public void setFlinkDeployment(String flinkDeployment) {
    this.flinkDeployment = flinkDeployment;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JobStatusSummary j && Objects.equals(state, j.state)
        && Objects.equals(lifecycleState, j.lifecycleState) && Objects.equals(jobId, j.jobId)
        && Objects.equals(lastSavepoint, j.lastSavepoint) && Objects.equals(flinkDeployment, j.flinkDeployment);
  }

  @Override
  public int hashCode() {
    return Objects.hash(state, lifecycleState, jobId, lastSavepoint, flinkDeployment);
  }
}
