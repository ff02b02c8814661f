package io.streampipeline.operator.reconciler;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.api.UpgradeCheckStatus;
import io.streampipeline.operator.children.PlanChange;
import io.streampipeline.operator.children.UpgradeCheckJob;
import io.streampipeline.plan.UpgradeCheckProtocol;
import java.net.HttpURLConnection;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs upgrade checks as Kubernetes Jobs ({@link UpgradeCheckJob}) and reads their verdicts from the pod's
 * termination message: one create per change, one pod list and one delete when it has finished. A Job's completion
 * reaches the operator through its informer, so nothing polls.
 */
class UpgradeChecks {

  private static final Logger LOG = LoggerFactory.getLogger(UpgradeChecks.class);
  static final String COMPATIBLE = UpgradeCheckProtocol.Result.COMPATIBLE;
  /** The verdict of a check that could not run; not a verdict on the change. */
  static final String FAILED = "FAILED";

  private final KubernetesClient client;

  UpgradeChecks(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The check's verdict on the change; empty while it runs (started here when it is not running yet).
   *
   * @param jobs the pipeline's check Jobs as the informer has them
   */
  Optional<UpgradeCheckStatus> verdict(StreamPipeline pipeline, PlanChange change, String image, Collection<Job> jobs) {
    String name = UpgradeCheckJob.name(pipeline.getMetadata().getName(), change);
    Optional<Job> job = jobs.stream().filter(j -> name.equals(j.getMetadata().getName())).findFirst();
    if (job.isEmpty()) {
      start(UpgradeCheckJob.build(pipeline, change, image));
      return Optional.empty();
    }
    boolean complete = hasCondition(job.get(), "Complete");
    boolean failed = hasCondition(job.get(), "Failed");
    if (!complete && !failed) {
      return Optional.empty();
    }
    Optional<ContainerStateTerminated> terminated = terminatedContainer(job.get(), complete);
    String message = terminated.map(ContainerStateTerminated::getMessage).filter(m -> m != null && !m.isBlank())
        .map(String::strip).orElse(null);
    UpgradeCheckStatus verdict;
    if (complete && message != null) {
      verdict = read(change, message);
    } else {
      verdict = new UpgradeCheckStatus(change.fromHash(), change.toHash(), FAILED, "Job " + name + " "
          + (complete ? "finished without a verdict" : failure(job.get(), terminated, message)));
    }
    if (!FAILED.equals(verdict.getVerdict())) {
      // The verdict goes on the status; a failed check stays until its TTL, which then starts it again.
      client.resource(job.get()).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    }
    LOG.info("Upgrade check {}/{}: {} {}", job.get().getMetadata().getNamespace(), name, verdict.getVerdict(),
        verdict.getMessage());
    return Optional.of(verdict);
  }

  private void start(Job job) {
    LOG.info("Starting upgrade check {}/{}", job.getMetadata().getNamespace(), job.getMetadata().getName());
    try {
      client.resource(job).create();
    } catch (KubernetesClientException e) {
      // The informer has not seen our own earlier create yet: the Job runs, its completion brings a reconcile.
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
  }

  private static UpgradeCheckStatus read(PlanChange change, String message) {
    try {
      UpgradeCheckProtocol.Result result = UpgradeCheckProtocol.Result.decode(message);
      return new UpgradeCheckStatus(change.fromHash(), change.toHash(), result.verdict(), result.describe());
    } catch (IllegalArgumentException e) {
      return new UpgradeCheckStatus(change.fromHash(), change.toHash(), FAILED, e.getMessage());
    }
  }

  private static String failure(Job job, Optional<ContainerStateTerminated> terminated, String message) {
    String reason = job.getStatus().getConditions().stream().filter(c -> "Failed".equals(c.getType()))
        .map(c -> Objects.requireNonNullElse(c.getReason(), "") + " " + Objects.requireNonNullElse(c.getMessage(), ""))
        .findFirst().orElse("").strip();
    return "failed" + (reason.isEmpty() ? "" : " (" + reason + ")")
        + terminated.map(t -> ", exit code " + t.getExitCode()).orElse("")
        + (message == null ? "" : ": " + message);
  }

  private static boolean hasCondition(Job job, String type) {
    return job.getStatus() != null && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The check container's end in one of the Job's pods: the one that succeeded, or else any that ended. */
  private Optional<ContainerStateTerminated> terminatedContainer(Job job, boolean succeeded) {
    return client.pods().inNamespace(job.getMetadata().getNamespace())
        .withLabel(UpgradeCheckJob.JOB_NAME_LABEL, job.getMetadata().getName()).list().getItems().stream()
        .filter(p -> !succeeded || "Succeeded".equals(p.getStatus() == null ? null : p.getStatus().getPhase()))
        .map(UpgradeChecks::checkContainer)
        .flatMap(Optional::stream)
        .findFirst();
  }

  private static Optional<ContainerStateTerminated> checkContainer(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(c -> UpgradeCheckJob.CONTAINER.equals(c.getName()))
        .map(ContainerStatus::getState)
        .filter(s -> s != null && s.getTerminated() != null)
        .map(s -> s.getTerminated())
        .findFirst();
  }
}
