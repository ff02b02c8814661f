package io.streampipeline.operator.children;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.model.JobSpec;
import io.streampipeline.model.JobState;
import io.streampipeline.model.ResourcesSpec;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.plan.InvalidPlanException;
import io.streampipeline.plan.JobArtifact;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.PlanCodec;
import io.streampipeline.plan.Problem;
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
  static final long FLINK_UID = 9999L;
  /** Where Flink's Prometheus reporter serves /metrics in every JobManager and TaskManager pod. */
  static final int PROMETHEUS_PORT = 9249;
  /** Mounted credentials: readable by their owner and the pod's fsGroup (the Flink user's group), no one else. */
  private static final int SECRET_FILE_MODE = 0440;

  /**
   * Savepoints the Flink operator keeps in its history (and disposes of beyond): enough to go back a few upgrades,
   * bounded so that object storage does not grow forever.
   */
  static final String SAVEPOINT_HISTORY_MAX_COUNT = "5";
  static final String SAVEPOINT_HISTORY_MAX_AGE = "7 d";
  /** How long a new spec has to become stable before the Flink operator rolls it back (its default). */
  static final String READINESS_TIMEOUT = "5 min";

  private FlinkDeploymentTemplate() {}

  /** @throws InvalidPlanException when the pipeline's state storage cannot work; nothing is built then */
  static FlinkDeployment build(StreamPipeline pipeline, PipelinePlan plan, OperatorConfig config,
      KafkaConnection connection, Long credentialsVersion) {
    JobSpec job = pipeline.getSpec().getJob() == null ? new JobSpec() : pipeline.getSpec().getJob();
    StateStorage storage = StateStorage.of(pipeline, config);
    List<Problem> storageProblems = storage.problems();
    if (!storageProblems.isEmpty()) {
      throw new InvalidPlanException(storageProblems);
    }
    FlinkDeployment deployment = new FlinkDeployment();
    deployment.getMetadata().setName(pipeline.getMetadata().getName());
    deployment.getMetadata().setNamespace(pipeline.getMetadata().getNamespace());
    deployment.getMetadata().setLabels(ChildLabels.forPipeline(pipeline.getMetadata().getName()));
    deployment.getMetadata().setOwnerReferences(List.of(PipelineChildren.ownerReference(pipeline)));

    FlinkDeploymentSpec spec = new FlinkDeploymentSpec();
    spec.setImage(job.getImage() == null || job.getImage().isBlank() ? config.jobImage() : job.getImage());
    spec.setFlinkVersion(FlinkVersion.v1_20);
    spec.setServiceAccount(config.flinkServiceAccount());
    spec.setFlinkConfiguration(flinkConfiguration(pipeline, plan, job, storage));
    spec.setPodTemplate(podTemplate(pipeline.getMetadata().getName(), storage, connection));
    spec.setRestartNonce(credentialsVersion);
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
      StreamPipeline pipeline, PipelinePlan plan, JobSpec job, StateStorage storage) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("taskmanager.numberOfTaskSlots", "1");
    // Flink's Prometheus reporter (a plugin of the official image), which the user may reconfigure: the job's
    // metrics, ours included (records in, out, dead-lettered), at /metrics of every Flink pod.
    conf.put("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    conf.put("metrics.reporter.prom.port", Integer.toString(PROMETHEUS_PORT));
    if (job.getFlinkConfiguration() != null) {
      conf.putAll(job.getFlinkConfiguration());
    }
    String stateDir = storage.pipelineDir(pipeline);
    conf.putAll(storage.flinkConfiguration());
    // Keyed state is split into this many key groups; pinned, a later parallelism change can still restore it.
    conf.put("pipeline.max-parallelism", Integer.toString(job.getMaxParallelism()));
    conf.put("execution.checkpointing.interval", plan.checkpointIntervalMs() + " ms");
    conf.put(DeliveryGuarantee.CHECKPOINTING_MODE_OPTION, plan.delivery().checkpointingMode());
    conf.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    conf.put("state.checkpoints.dir", stateDir + "/checkpoints");
    conf.put("state.savepoints.dir", stateDir + "/savepoints");
    // The Flink operator needs JobManager HA metadata for last-state upgrades; it also lets a lost
    // JobManager resume from the latest checkpoint instead of starting over.
    conf.put("high-availability.type", "kubernetes");
    conf.put("high-availability.storageDir", stateDir + "/ha");
    // A savepoint upgrade whose savepoint cannot be taken must not quietly restore an older checkpoint instead
    // (FLINK-29258). The escape hatch for a job too unhealthy to take one: upgradeMode last-state for that change.
    conf.put("kubernetes.operator.job.upgrade.last-state-fallback.enabled", "false");
    conf.put("kubernetes.operator.savepoint.history.max.count", SAVEPOINT_HISTORY_MAX_COUNT);
    conf.put("kubernetes.operator.savepoint.history.max.age", SAVEPOINT_HISTORY_MAX_AGE);
    // An upgrade that does not become stable goes back to the last stable spec (from the upgrade savepoint).
    conf.put("kubernetes.operator.deployment.rollback.enabled", "true");
    conf.put("kubernetes.operator.deployment.readiness.timeout", READINESS_TIMEOUT);
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
   * The JobManager and TaskManager pods (the Flink operator uses this template for both): the Kubernetes
   * "restricted" Pod Security Standard; labelled with their pipeline (the chart's optional PodMonitor selects them
   * by these labels) and annotated for annotation-based Prometheus scraping of the reporter's port; and what the
   * state storage needs. A PVC is mounted at the state path and made writable by the Flink user through
   * {@code fsGroup} (volumes that honour it; hostPath-based provisioners such as kind's local-path create
   * world-writable directories instead); ownership is changed only when the volume's root does not match yet, so
   * that a large volume is not walked at every pod start. The Kafka connection's Secrets are mounted read only,
   * readable by the Flink group only, with just the keys the clients read.
   */
  private static PodTemplateSpec podTemplate(String pipeline, StateStorage storage, KafkaConnection connection) {
    ContainerBuilder container = new ContainerBuilder()
        .withName("flink-main-container")
        .addNewPort().withName("metrics").withContainerPort(PROMETHEUS_PORT).withProtocol("TCP").endPort()
        .withEnv(storage.environment())
        .withNewSecurityContext()
          .withAllowPrivilegeEscalation(false)
          .withRunAsNonRoot(true)
          .withNewCapabilities().withDrop("ALL").endCapabilities()
        .endSecurityContext();
    PodTemplateSpecBuilder pod = new PodTemplateSpecBuilder()
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
            .withFsGroupChangePolicy("OnRootMismatch")
            .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
          .endSecurityContext()
        .endSpec();
    if (storage.isPvc()) {
      container.addNewVolumeMount().withName(StateStorage.VOLUME).withMountPath(storage.mountPath()).endVolumeMount();
      pod.editSpec().addToVolumes(new VolumeBuilder().withName(StateStorage.VOLUME)
          .withNewPersistentVolumeClaim(storage.spec().getPvc().getClaimName(), false).build()).endSpec();
    }
    for (KafkaConnection.MountedSecret secret : connection.secrets()) {
      container.addNewVolumeMount().withName(secret.volume()).withMountPath(secret.mountPath()).withReadOnly(true)
          .endVolumeMount();
      pod.editSpec().addToVolumes(new VolumeBuilder().withName(secret.volume())
          .withNewSecret()
            .withSecretName(secret.secretName())
            .withDefaultMode(SECRET_FILE_MODE)
            .withItems(secret.keys().stream().map(key -> new KeyToPath(key, null, key)).toList())
          .endSecret().build()).endSpec();
    }
    return pod.editSpec().addToContainers(container.build()).endSpec().build();
  }
}
