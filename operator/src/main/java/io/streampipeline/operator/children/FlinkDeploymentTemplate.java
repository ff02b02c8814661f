package io.streampipeline.operator.children;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.model.JobSpec;
import io.streampipeline.model.JobState;
import io.streampipeline.model.ResourcesSpec;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.plan.JobArtifact;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.PlanCodec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkDeploymentSpec;
import org.apache.flink.kubernetes.operator.api.spec.FlinkVersion;
import org.apache.flink.kubernetes.operator.api.spec.JobManagerSpec;
import org.apache.flink.kubernetes.operator.api.spec.Resource;
import org.apache.flink.kubernetes.operator.api.spec.TaskManagerSpec;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;

/** The FlinkDeployment that runs a pipeline's plan in the bundled job, in application mode. */
final class FlinkDeploymentTemplate {

  /** The uid and gid of the official Flink images' {@code flink} user. */
  private static final long FLINK_UID = 9999L;
  /** Where Flink's Prometheus reporter serves /metrics in every JobManager and TaskManager pod. */
  static final int PROMETHEUS_PORT = 9249;

  private FlinkDeploymentTemplate() {}

  static FlinkDeployment build(StreamPipeline pipeline, PipelinePlan plan, OperatorConfig config) {
    JobSpec job = pipeline.getSpec().getJob() == null ? new JobSpec() : pipeline.getSpec().getJob();
    FlinkDeployment deployment = new FlinkDeployment();
    deployment.getMetadata().setName(pipeline.getMetadata().getName());
    deployment.getMetadata().setNamespace(pipeline.getMetadata().getNamespace());
    deployment.getMetadata().setLabels(ChildLabels.forPipeline(pipeline.getMetadata().getName()));
    deployment.getMetadata().setOwnerReferences(List.of(PipelineChildren.ownerReference(pipeline)));

    FlinkDeploymentSpec spec = new FlinkDeploymentSpec();
    spec.setImage(job.getImage() == null || job.getImage().isBlank() ? config.jobImage() : job.getImage());
    spec.setFlinkVersion(FlinkVersion.v1_20);
    spec.setServiceAccount(config.flinkServiceAccount());
    spec.setFlinkConfiguration(flinkConfiguration(pipeline, plan, job, config));
    spec.setPodTemplate(restrictedPodTemplate(pipeline.getMetadata().getName()));
    spec.setJobManager(new JobManagerSpec(resource(job.getJobManager()), 1, null));
    spec.setTaskManager(new TaskManagerSpec(resource(job.getTaskManager()), null, null));

    org.apache.flink.kubernetes.operator.api.spec.JobSpec flinkJob =
        new org.apache.flink.kubernetes.operator.api.spec.JobSpec();
    flinkJob.setJarURI(JobArtifact.JAR_URI);
    flinkJob.setEntryClass(JobArtifact.ENTRY_CLASS);
    flinkJob.setArgs(new String[] {PlanCodec.PLAN_ARGUMENT, PlanCodec.encode(plan)});
    flinkJob.setParallelism(job.getParallelism());
    flinkJob.setUpgradeMode(UpgradeMode.valueOf(job.getUpgradeMode().name()));
    flinkJob.setState(job.getState() == JobState.SUSPENDED
        ? org.apache.flink.kubernetes.operator.api.spec.JobState.SUSPENDED
        : org.apache.flink.kubernetes.operator.api.spec.JobState.RUNNING);
    spec.setJob(flinkJob);
    deployment.setSpec(spec);
    return deployment;
  }

  /**
   * The user's configuration, then the keys this spec decides, which win: a pipeline's guarantees must not
   * be undone by a stray configuration key.
   */
  private static Map<String, String> flinkConfiguration(
      StreamPipeline pipeline, PipelinePlan plan, JobSpec job, OperatorConfig config) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("taskmanager.numberOfTaskSlots", "1");
    // Flink's Prometheus reporter (a plugin of the official image), which the user may reconfigure: the job's
    // metrics, ours included (records in, out, dead-lettered), at /metrics of every Flink pod.
    conf.put("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    conf.put("metrics.reporter.prom.port", Integer.toString(PROMETHEUS_PORT));
    if (job.getFlinkConfiguration() != null) {
      conf.putAll(job.getFlinkConfiguration());
    }
    String stateDir = config.stateDir().replaceAll("/+$", "") + "/" + pipeline.getMetadata().getNamespace() + "/"
        + pipeline.getMetadata().getName();
    conf.put("execution.checkpointing.interval", plan.checkpointIntervalMs() + " ms");
    conf.put(DeliveryGuarantee.CHECKPOINTING_MODE_OPTION, plan.delivery().checkpointingMode());
    conf.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    conf.put("state.checkpoints.dir", stateDir + "/checkpoints");
    conf.put("state.savepoints.dir", stateDir + "/savepoints");
    // The Flink operator needs JobManager HA metadata for last-state upgrades; it also lets a lost
    // JobManager resume from the latest checkpoint instead of starting over.
    conf.put("high-availability.type", "kubernetes");
    conf.put("high-availability.storageDir", stateDir + "/ha");
    conf.put("restart-strategy.type", "fixed-delay");
    conf.put("restart-strategy.fixed-delay.attempts", Integer.toString(plan.restartAttempts()));
    conf.put("restart-strategy.fixed-delay.delay", plan.restartDelayMs() + " ms");
    return conf;
  }

  private static Resource resource(ResourcesSpec resources) {
    ResourcesSpec r = resources == null ? new ResourcesSpec() : resources;
    return new Resource(r.getCpu(), r.getMemory(), null);
  }

  /**
   * JobManager and TaskManager pods that meet the Kubernetes "restricted" Pod Security Standard, labelled with
   * their pipeline (the chart's optional PodMonitor selects them by these labels) and annotated for
   * annotation-based Prometheus scraping of the reporter's port.
   */
  private static PodTemplateSpec restrictedPodTemplate(String pipeline) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
          .withLabels(ChildLabels.forPipeline(pipeline))
          .addToAnnotations("prometheus.io/scrape", "true")
          .addToAnnotations("prometheus.io/port", Integer.toString(PROMETHEUS_PORT))
          .addToAnnotations("prometheus.io/path", "/metrics")
        .endMetadata()
        .withNewSpec()
          .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withRunAsUser(FLINK_UID)
            .withRunAsGroup(FLINK_UID)
            .withFsGroup(FLINK_UID)
            .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
          .endSecurityContext()
          .addNewContainer()
            .withName("flink-main-container")
            .addNewPort().withName("metrics").withContainerPort(PROMETHEUS_PORT).withProtocol("TCP").endPort()
            .withNewSecurityContext()
              .withAllowPrivilegeEscalation(false)
              .withRunAsNonRoot(true)
              .withNewCapabilities().withDrop("ALL").endCapabilities()
            .endSecurityContext()
          .endContainer()
        .endSpec()
        .build();
  }
}
