package io.streampipeline.operator.testing;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.streampipeline.operator.children.UpgradeCheckJob;
import io.streampipeline.plan.UpgradeCheckProtocol;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tests' stand-in for the Job controller and the kubelet, which do not run here, for the operator's upgrade
 * check Jobs: when a check's container has ended, it creates the Job's pod as the Job controller would (from the
 * template, labelled with the Job's name, owned by the Job) and writes what the kubelet and the Job controller write:
 * the pod's phase and the container's termination (exit code and message), and the Job's counts, times and terminal
 * conditions. It runs nothing: what ended, and with which message, is the caller's.
 */
public final class PlayedJobs {

  private final KubernetesClient client;

  public PlayedJobs(KubernetesClient client) {
    this.client = client;
  }

  /** The pipeline's upgrade check Jobs that have not ended yet. */
  public List<Job> runningUpgradeChecks(String namespace, String pipeline) {
    return client.batch().v1().jobs().inNamespace(namespace).withLabelSelector(UpgradeCheckJob.SELECTOR).list()
        .getItems().stream()
        .filter(j -> pipeline.equals(j.getMetadata().getLabels().get("streampipeline.io/pipeline")))
        .filter(j -> j.getStatus() == null || j.getStatus().getConditions() == null
            || j.getStatus().getConditions().isEmpty())
        .toList();
  }

  /** Every upgrade check running in the namespace ends with a verdict of "compatible". */
  public void upgradeChecksPass(String namespace) {
    String compatible = new UpgradeCheckProtocol.Result(UpgradeCheckProtocol.Result.COMPATIBLE, "compatible",
        List.of(), 0).encode();
    client.batch().v1().jobs().inNamespace(namespace).withLabelSelector(UpgradeCheckJob.SELECTOR).list().getItems()
        .stream()
        .filter(j -> j.getStatus() == null || j.getStatus().getConditions() == null
            || j.getStatus().getConditions().isEmpty())
        .forEach(j -> ended(j, 0, compatible));
  }

  /** The pipeline's one running upgrade check, once there is one. */
  public Optional<Job> runningUpgradeCheck(String namespace, String pipeline) {
    List<Job> running = runningUpgradeChecks(namespace, pipeline);
    if (running.size() > 1) {
      throw new AssertionError("more than one upgrade check running: " + running);
    }
    return running.stream().findFirst();
  }

  /** The check's container ended with {@code exitCode}, leaving {@code message} in its termination message. */
  public void ended(Job job, int exitCode, String message) {
    String namespace = job.getMetadata().getNamespace();
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    if (client.serviceAccounts().inNamespace(namespace).withName("default").get() == null) {
      // The service account controller's part: every namespace has one named default, which pods run as.
      client.resource(new ServiceAccountBuilder().withNewMetadata().withName("default").withNamespace(namespace)
          .endMetadata().build()).create();
    }
    Map<String, String> labels = new LinkedHashMap<>(job.getSpec().getTemplate().getMetadata().getLabels());
    labels.put(UpgradeCheckJob.JOB_NAME_LABEL, job.getMetadata().getName());
    Pod pod = client.resource(new PodBuilder()
        .withNewMetadata()
          .withName(job.getMetadata().getName() + "-" + Long.toString(System.nanoTime() % 100000, 36))
          .withNamespace(namespace)
          .withLabels(labels)
          .addNewOwnerReference().withApiVersion("batch/v1").withKind("Job").withName(job.getMetadata().getName())
            .withUid(job.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).endOwnerReference()
        .endMetadata()
        .withSpec(job.getSpec().getTemplate().getSpec())
        .build()).create();
    boolean succeeded = exitCode == 0;
    String container = pod.getSpec().getContainers().get(0).getName();
    StatusWrites.update(client, client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()), p -> {
      p.getStatus().setPhase(succeeded ? "Succeeded" : "Failed");
      p.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder()
          .withName(container)
          .withImage(pod.getSpec().getContainers().get(0).getImage())
          .withImageID("")
          .withReady(false)
          .withRestartCount(0)
          .withState(new ContainerStateBuilder().withNewTerminated()
              .withExitCode(exitCode)
              .withReason(succeeded ? "Completed" : "Error")
              .withMessage(message)
              .withStartedAt(now)
              .withFinishedAt(now)
            .endTerminated().build())
          .build()));
    });
    StatusWrites.update(client, client.batch().v1().jobs().inNamespace(namespace).withName(job.getMetadata().getName()),
        j -> {
          JobStatus status = new JobStatus();
          status.setStartTime(now);
          List<JobCondition> conditions = new ArrayList<>();
          if (succeeded) {
            status.setSucceeded(1);
            status.setCompletionTime(now);
            conditions.add(condition("SuccessCriteriaMet", "CompletionsReached", now));
            conditions.add(condition("Complete", "CompletionsReached", now));
          } else {
            status.setFailed(1);
            conditions.add(condition("FailureTarget", "BackoffLimitExceeded", now));
            conditions.add(condition("Failed", "BackoffLimitExceeded", now));
          }
          status.setConditions(conditions);
          j.setStatus(status);
        });
  }

  private static JobCondition condition(String type, String reason, String now) {
    return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason).withMessage(reason)
        .withLastProbeTime(now).withLastTransitionTime(now).build();
  }
}
