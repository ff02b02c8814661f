package io.streampipeline.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streampipeline.operator.api.JobStatusSummary;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.lifecycle.ResourceLifecycleState;
import org.apache.flink.kubernetes.operator.api.status.FlinkDeploymentStatus;
import org.apache.flink.kubernetes.operator.api.status.ReconciliationState;
import org.apache.flink.kubernetes.operator.api.status.Savepoint;

/** What the Flink operator says about a FlinkDeployment, read once into the terms the pipeline status uses. */
public record FlinkJobObservation(
    String name,
    ResourceLifecycleState lifecycle,
    String jobState,
    String jobId,
    String lastSavepoint,
    ReconciliationState reconciliation,
    boolean caughtUp,
    String error) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public static FlinkJobObservation of(FlinkDeployment deployment) {
    FlinkDeploymentStatus status = deployment.getStatus();
    String name = deployment.getMetadata().getName();
    if (status == null) {
      return new FlinkJobObservation(name, null, null, null, null, null, false, null);
    }
    var job = status.getJobStatus();
    long generation = Objects.requireNonNullElse(deployment.getMetadata().getGeneration(), 0L);
    return new FlinkJobObservation(
        name,
        status.getLifecycleState(),
        job == null || job.getState() == null ? null : job.getState().name(),
        job == null ? null : job.getJobId(),
        job == null ? null : lastSavepoint(job),
        status.getReconciliationStatus() == null ? null : status.getReconciliationStatus().getState(),
        caughtUp(status, generation),
        errorMessage(status.getError()));
  }

  JobStatusSummary summary() {
    JobStatusSummary summary = new JobStatusSummary();
    summary.setFlinkDeployment(name);
    summary.setState(jobState);
    summary.setLifecycleState(lifecycle == null ? null : lifecycle.name());
    summary.setJobId(jobId);
    summary.setLastSavepoint(lastSavepoint);
    return summary;
  }

  boolean running() {
    return "RUNNING".equals(jobState);
  }

  boolean failed() {
    return lifecycle == ResourceLifecycleState.FAILED || "FAILED".equals(jobState);
  }

  boolean rolledBack() {
    return lifecycle == ResourceLifecycleState.ROLLED_BACK || lifecycle == ResourceLifecycleState.ROLLING_BACK;
  }

  boolean suspended() {
    return lifecycle == ResourceLifecycleState.SUSPENDED;
  }

  boolean upgrading() {
    return !caughtUp || reconciliation == ReconciliationState.UPGRADING
        || lifecycle == ResourceLifecycleState.UPGRADING;
  }

  /** Whether a job of this deployment ever ran, so that a pending change is an upgrade and not a first deploy. */
  public boolean deployedBefore() {
    return jobId != null;
  }

  private static boolean caughtUp(FlinkDeploymentStatus status, long generation) {
    if (status.getObservedGeneration() != null) {
      return status.getObservedGeneration() >= generation;
    }
    // Flink operators before 1.10 leave observedGeneration empty: trust a settled reconciliation instead.
    return status.getReconciliationStatus() != null
        && status.getReconciliationStatus().getState() == ReconciliationState.DEPLOYED;
  }

  private static String lastSavepoint(org.apache.flink.kubernetes.operator.api.status.JobStatus job) {
    Savepoint last = job.getSavepointInfo() == null ? null : job.getSavepointInfo().getLastSavepoint();
    if (last != null && last.getLocation() != null) {
      return last.getLocation();
    }
    return job.getUpgradeSavepointPath();
  }

  /** The Flink operator writes its error as JSON with a message field; people want the message. */
  static String errorMessage(String error) {
    if (error == null || error.isBlank()) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(error);
      return Optional.ofNullable(node.get("message")).map(JsonNode::asText).orElse(error);
    } catch (Exception notJson) {
      return error;
    }
  }
}
