package io.streampipeline.operator.children;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.plan.JobArtifact;
import io.streampipeline.plan.UpgradeCheckProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes Job that checks whether a {@link PlanChange} keeps the running job's state: the job image's
 * {@link JobArtifact#UPGRADE_CHECK_CLASS}, graphs only (a second or two of CPU, no Kafka, no Flink cluster), its
 * verdict in the pod's termination message. The operator itself carries no Flink planner: that keeps its image and
 * its memory small at a thousand pipelines, and the check runs the very planner of the image that will run the job.
 * Owned by its pipeline, so the garbage collector removes it with the pipeline.
 */
public final class UpgradeCheckJob {

  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String COMPONENT_VALUE = "upgrade-check";
  /** Label selector matching every upgrade check Job of this operator. */
  public static final String SELECTOR = ChildLabels.SELECTOR + "," + COMPONENT + "=" + COMPONENT_VALUE;
  /** The label the Job controller puts on a Job's pods. */
  public static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
  public static final String CONTAINER = "upgrade-check";
  /** A check that has not finished by then has failed (an image that cannot be pulled, a node that never comes). */
  static final long DEADLINE_SECONDS = 600;
  /**
   * Removed by Kubernetes an hour after it finished: the operator deletes a check once it has its verdict, but keeps a
   * failed one, whose removal then starts the check again.
   */
  static final int TTL_SECONDS = 3600;

  private UpgradeCheckJob() {}

  /**
   * The Job's name: the pipeline's (shortened to leave room) and a hash of the change, so that each change has its
   * own check and a name within the 63 characters the Job controller's pod label allows.
   */
  public static String name(String pipeline, PlanChange change) {
    String prefix = pipeline.length() > 34 ? pipeline.substring(0, 34) : pipeline;
    return prefix + "-upgrade-" + change.toHash().substring(0, 8) + change.fromHash().substring(0, 8);
  }

  /** @param image the job image of the new version, whose planner will run it */
  public static Job build(StreamPipeline pipeline, PlanChange change, String image) {
    String pipelineName = pipeline.getMetadata().getName();
    Map<String, String> labels = ChildLabels.forPipeline(pipelineName);
    labels.put(COMPONENT, COMPONENT_VALUE);
    List<String> command = new ArrayList<>(List.of("java", "-XX:MaxRAMPercentage=75", "-cp",
        JobArtifact.UPGRADE_CHECK_CLASS_PATH, JobArtifact.UPGRADE_CHECK_CLASS));
    return new JobBuilder()
        .withNewMetadata()
          .withName(name(pipelineName, change))
          .withNamespace(pipeline.getMetadata().getNamespace())
          .withLabels(labels)
          .withOwnerReferences(PipelineChildren.ownerReference(pipeline))
        .endMetadata()
        .withNewSpec()
          .withBackoffLimit(1)
          .withActiveDeadlineSeconds(DEADLINE_SECONDS)
          .withTtlSecondsAfterFinished(TTL_SECONDS)
          .withNewTemplate()
            .withNewMetadata().withLabels(labels).endMetadata()
            .withNewSpec()
              .withRestartPolicy("Never")
              .withAutomountServiceAccountToken(false)
              .withEnableServiceLinks(false)
              .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(FlinkDeploymentTemplate.FLINK_UID)
                .withRunAsGroup(FlinkDeploymentTemplate.FLINK_UID)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
              .endSecurityContext()
              .addNewContainer()
                .withName(CONTAINER)
                .withImage(image)
                .withCommand(command)
                .withArgs(UpgradeCheckProtocol.args(change.fromPlan(), change.fromParallelism(), change.toPlan(),
                    change.toParallelism()))
                .withTerminationMessagePath(UpgradeCheckProtocol.TERMINATION_MESSAGE_PATH)
                // A crash leaves its log's tail as the message, so the status can say why the check failed.
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withNewResources()
                  .addToRequests("cpu", new Quantity("250m"))
                  .addToRequests("memory", new Quantity("768Mi"))
                  .addToLimits("memory", new Quantity("768Mi"))
                .endResources()
                .withNewSecurityContext()
                  .withAllowPrivilegeEscalation(false)
                  .withRunAsNonRoot(true)
                  .withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext()
              .endContainer()
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }
}
