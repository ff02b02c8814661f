package io.streampipeline.e2e.local;

import io.streampipeline.operator.testing.StatusWrites;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.PackagedProgramUtils;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkDeploymentSpec;
import org.apache.flink.kubernetes.operator.api.spec.JobState;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.apache.flink.kubernetes.operator.api.status.FlinkDeploymentStatus;
import org.apache.flink.kubernetes.operator.api.status.ReconciliationState;
import org.apache.flink.kubernetes.operator.api.status.Savepoint;
import org.apache.flink.kubernetes.operator.api.status.SavepointInfo;
import org.apache.flink.kubernetes.operator.api.status.SnapshotTriggerType;
import org.apache.flink.runtime.clusterframework.ApplicationStatus;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A STAND-IN for the Flink Kubernetes Operator, which cannot run here (no pods): it runs each
 * {@code FlinkDeployment}'s job in one shared {@link MiniCluster} of this JVM and writes the status the Flink
 * operator writes (last reconciled spec, reconciliation state, job state and id, savepoint info), from which
 * the Flink model derives the lifecycle state.
 *
 * <p>What it does: builds the job exactly as the resource says — {@code spec.job.jarURI} (only the bundled
 * job's {@code local:///opt/flink/usrlib/streampipeline-job.jar}, mapped to the built jar), {@code entryClass},
 * {@code args}, {@code parallelism}, {@code flinkConfiguration} — with Flink's {@link PackagedProgram}, so the
 * jar runs in its own user-code class loader as in a cluster. A spec change stops the job with a savepoint
 * ({@code savepoint}; also {@code last-state}, see below) or cancels it ({@code stateless}) and starts the new
 * spec from that savepoint; {@code job.state: suspended} stops it with a savepoint, {@code running} again resumes
 * from it; deletion cancels the job. A job that fails to start or ends by itself is reported FAILED with the
 * error.
 *
 * <p>The MiniCluster is this stand-in's, started when the first deployment runs, with that deployment's
 * {@code metrics.*} keys as cluster configuration, as a Flink cluster's pods read them at start: its metric
 * reporters (the operator's Prometheus reporter) serve the jobs' metrics, and its REST API (on the port given at
 * construction, where the operator is told the JobManager is) serves the endpoints the real JobManager serves. A
 * reporter's {@code port} that another process on this machine holds is mapped to a free one
 * ({@link #metricsPort}). Later deployments share the running cluster and its reporters: one JVM is one cluster.
 *
 * <p>The pod template's Secret volumes are written to local directories, which the job's arguments name instead of
 * their mount paths ({@link SecretVolumes}); a change of {@code restartNonce} changes the spec, so the job is stopped
 * with a savepoint and started again, reading its mounted Secrets anew.
 *
 * <p>What it does not do: no pods, images or resources, and of pod templates only Secret volumes; no HA (the spec's
 * {@code high-availability.*} and {@code kubernetes.*} keys are dropped: one MiniCluster has no JobManager to
 * lose); one cluster for every deployment instead of one per deployment (their metrics and REST API are served
 * together, told apart by job); {@code last-state} upgrades take a savepoint instead of using the latest checkpoint from HA metadata;
 * no rollbacks, no periodic or manual savepoints (nonces), no session clusters, no finalizer (a deletion while
 * it is down is missed), no restart of a failed job from its latest checkpoint.
 */
public final class FlinkOperatorStandIn implements AutoCloseable {

  /** Where the Flink image holds the bundled job, and the only jar this stand-in can run. */
  static final String IMAGE_JOB_JAR = "local:///opt/flink/usrlib/streampipeline-job.jar";

  private static final Logger LOG = LoggerFactory.getLogger(FlinkOperatorStandIn.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  /** Cluster configuration of the metric system (reporters, scopes), read when a cluster starts. */
  private static final String METRICS_PREFIX = "metrics.";
  private static final Pattern REPORTER_PORT = Pattern.compile("metrics\\.reporter\\.([^.]+)\\.port");
  /** Checkpoint and savepoint directories under their current and deprecated keys. */
  private static final Set<String> STATE_DIR_KEYS = Set.of(
      CheckpointingOptions.CHECKPOINTS_DIRECTORY.key(), CheckpointingOptions.SAVEPOINT_DIRECTORY.key(),
      "state.checkpoints.dir", "state.savepoints.dir");

  private final KubernetesClient client;
  private final String namespace;
  private final int restPort;
  private final int slots;
  /** Started by the first deployment's run, on the worker thread; read by tests. */
  private volatile MiniCluster cluster;
  /** Each metric reporter's port as the cluster serves it, by reporter name. */
  private final Map<String, Integer> metricsPorts = new ConcurrentHashMap<>();
  private final Path jobJar;
  private final Path stateRoot;
  private final SecretVolumes secretVolumes;
  /** One thread: all of a deployment's transitions happen in order, and {@link #deployed} needs no lock. */
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "flink-stand-in"));
  private final Map<String, Deployed> deployed = new HashMap<>();
  /** The latest job started for each deployment, for tests to look at. */
  private final Map<String, JobID> lastJob = new ConcurrentHashMap<>();
  private SharedIndexInformer<FlinkDeployment> informer;

  /** What runs for one deployment: the spec acted on, its job (null when suspended) and the last savepoint. */
  private record Deployed(String specJson, JobID jobId, String lastSavepoint) {}

  /**
   * @param slots task slots of the cluster's one TaskManager
   * @param jobJar the built bundled job, standing for the jar in the job image
   * @param stateRoot local directory standing for the durable storage of checkpoints and savepoints
   */
  public FlinkOperatorStandIn(KubernetesClient client, String namespace, int slots, Path jobJar, Path stateRoot) {
    this.client = client;
    this.namespace = namespace;
    this.restPort = freePort(); // other builds on this machine may hold 8081
    this.slots = slots;
    this.jobJar = jobJar;
    this.stateRoot = stateRoot;
    this.secretVolumes = new SecretVolumes(client, namespace, stateRoot.resolveSibling("secret-volumes"));
  }

  public FlinkOperatorStandIn start() {
    informer = client.resources(FlinkDeployment.class).inNamespace(namespace).inform(new SerialHandler<>(worker,
        deployment -> reconcile(deployment.getMetadata().getName()),
        deployment -> deleted(deployment.getMetadata().getName())));
    LOG.info("Flink operator stand-in watching FlinkDeployments in {}", namespace);
    return this;
  }

  /** Where the cluster's REST API is (the JobManager's), from construction on, before the cluster starts. */
  public URI restAddress() {
    return URI.create("http://localhost:" + restPort);
  }

  /** The cluster the jobs run in, once the first deployment has started it. */
  public MiniCluster cluster() {
    return Objects.requireNonNull(cluster, "no FlinkDeployment has started the cluster yet");
  }

  /** The port the cluster's metric reporter {@code reporter} serves on, once the cluster runs with it. */
  public Optional<Integer> metricsPort(String reporter) {
    return Optional.ofNullable(metricsPorts.get(reporter));
  }

  /** The latest job started for a deployment, running or not. */
  public Optional<JobID> lastJob(String deployment) {
    return Optional.ofNullable(lastJob.get(deployment));
  }

  private void reconcile(String name) {
    FlinkDeployment deployment = client.resources(FlinkDeployment.class).inNamespace(namespace).withName(name).get();
    if (deployment == null || deployment.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    String specJson = Serialization.asJson(deployment.getSpec());
    Deployed current = deployed.get(name);
    if (current != null && current.specJson().equals(specJson)) {
      return;
    }
    FlinkDeploymentSpec spec = deployment.getSpec();
    String savepoint = current == null ? spec.getJob().getInitialSavepointPath() : current.lastSavepoint();
    try {
      if (current != null && current.jobId() != null) {
        writeStatus(deployment, ReconciliationState.UPGRADING, JobStatus.RUNNING, current.jobId(), savepoint, null);
        savepoint = stop(name, current.jobId(), spec.getJob().getUpgradeMode(), savepoint);
      }
      JobID jobId = null;
      if (spec.getJob().getState() != JobState.SUSPENDED) {
        jobId = run(name, spec, spec.getJob().getUpgradeMode() == UpgradeMode.STATELESS ? null : savepoint);
      }
      deployed.put(name, new Deployed(specJson, jobId, savepoint));
      writeStatus(deployment, ReconciliationState.DEPLOYED, jobId == null ? JobStatus.FINISHED : JobStatus.RUNNING,
          jobId, savepoint, null);
    } catch (Exception e) {
      LOG.warn("FlinkDeployment {}: {}", name, e.toString(), e);
      deployed.put(name, new Deployed(specJson, null, savepoint));
      writeStatus(deployment, ReconciliationState.DEPLOYED, JobStatus.FAILED, lastJob.get(name), savepoint,
          errorJson(e));
    }
  }

  /** Stops the running job as the upgrade mode says and returns the savepoint to start from, if any. */
  private String stop(String name, JobID jobId, UpgradeMode mode, String previousSavepoint) throws Exception {
    if (mode == UpgradeMode.STATELESS) {
      cluster.cancelJob(jobId).get(60, TimeUnit.SECONDS);
      LOG.info("FlinkDeployment {}: job {} cancelled (stateless)", name, jobId);
      return previousSavepoint;
    }
    String savepoint = cluster.stopWithSavepoint(jobId, stateDir(name).resolve("savepoints").toUri().toString(),
        false, SavepointFormatType.CANONICAL).get(120, TimeUnit.SECONDS);
    LOG.info("FlinkDeployment {}: job {} stopped with savepoint {}", name, jobId, savepoint);
    return savepoint;
  }

  private JobID run(String name, FlinkDeploymentSpec spec, String savepoint) throws Exception {
    if (!IMAGE_JOB_JAR.equals(spec.getJob().getJarURI())) {
      throw new IllegalArgumentException("this stand-in only runs " + IMAGE_JOB_JAR + ", not " + spec.getJob().getJarURI());
    }
    startCluster(spec);
    Configuration config = jobConfiguration(name, spec);
    SavepointRestoreSettings restore = savepoint == null ? SavepointRestoreSettings.none()
        : SavepointRestoreSettings.forPath(savepoint, Boolean.TRUE.equals(spec.getJob().getAllowNonRestoredState()));
    JobGraph graph;
    try (PackagedProgram program = PackagedProgram.newBuilder()
        .setJarFile(jobJar.toFile())
        .setEntryPointClassName(spec.getJob().getEntryClass())
        .setArguments(secretVolumes.mount(name, spec.getPodTemplate() == null ? null
            : spec.getPodTemplate().getSpec(), spec.getJob().getArgs()))
        .setConfiguration(config)
        .setSavepointRestoreSettings(restore)
        .build()) {
      graph = PackagedProgramUtils.createJobGraph(program, config, spec.getJob().getParallelism(), false);
    }
    graph.setSavepointRestoreSettings(restore);
    JobID jobId = cluster.submitJob(graph).get(60, TimeUnit.SECONDS).getJobID();
    lastJob.put(name, jobId);
    cluster.requestJobResult(jobId).thenAccept(result -> worker.execute(() -> ended(name, jobId, result)));
    await("job " + jobId + " of " + name + " running").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          JobStatus status = cluster.getJobStatus(jobId).get();
          if (status.isGloballyTerminalState()) {
            throw new IllegalStateException("job " + jobId + " ended while starting: " + status);
          }
          return status == JobStatus.RUNNING;
        });
    LOG.info("FlinkDeployment {}: job {} running{}", name, jobId, savepoint == null ? "" : " from " + savepoint);
    return jobId;
  }

  /**
   * Starts the cluster, once, as the pods of {@code spec} would start: its {@code metrics.*} keys configure the
   * metric reporters (a reporter port in use here mapped to a free one), the REST API listens on {@link #restPort}.
   */
  private void startCluster(FlinkDeploymentSpec spec) throws Exception {
    if (cluster != null) {
      return;
    }
    Configuration config = new Configuration();
    Map<String, String> reporterPorts = new HashMap<>();
    if (spec.getFlinkConfiguration() != null) {
      spec.getFlinkConfiguration().forEach((key, value) -> {
        if (key.startsWith(METRICS_PREFIX)) {
          config.setString(key, value);
        }
        Matcher port = REPORTER_PORT.matcher(key);
        if (port.matches()) {
          reporterPorts.put(port.group(1), value);
        }
      });
    }
    reporterPorts.forEach((reporter, configured) -> {
      int port = Integer.parseInt(configured.split("[-,]")[0].trim());
      int served = available(port) ? port : freePort();
      if (served != port) {
        LOG.info("Metric reporter {}: port {} is in use on this machine, serving on {}", reporter, port, served);
      }
      config.setString(METRICS_PREFIX + "reporter." + reporter + ".port", Integer.toString(served));
      metricsPorts.put(reporter, served);
    });
    config.set(RestOptions.BIND_PORT, Integer.toString(restPort));
    MiniCluster started = new MiniCluster(new MiniClusterConfiguration.Builder()
        .setConfiguration(config)
        .setNumTaskManagers(1)
        .setNumSlotsPerTaskManager(slots)
        .build());
    started.start();
    cluster = started;
    LOG.info("Flink cluster started: REST API at {}, metric reporters on ports {}", restAddress(), metricsPorts);
  }

  private static boolean available(int port) {
    try (ServerSocket socket = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  /**
   * The spec's configuration for the job, with the cluster paths of state replaced by local directories (the
   * spec's {@code state.*.dir} name the pods' durable storage) and without what configures the cluster around
   * the job (HA, Kubernetes): the MiniCluster is that cluster.
   */
  private Configuration jobConfiguration(String name, FlinkDeploymentSpec spec) {
    Map<String, String> conf = new HashMap<>();
    if (spec.getFlinkConfiguration() != null) {
      spec.getFlinkConfiguration().forEach((key, value) -> {
        if (!key.startsWith("high-availability") && !key.startsWith("kubernetes.") && !STATE_DIR_KEYS.contains(key)) {
          conf.put(key, value);
        }
      });
    }
    conf.put(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key(), stateDir(name).resolve("checkpoints").toUri().toString());
    conf.put(CheckpointingOptions.SAVEPOINT_DIRECTORY.key(), stateDir(name).resolve("savepoints").toUri().toString());
    return Configuration.fromMap(conf);
  }

  private Path stateDir(String name) {
    return stateRoot.resolve(namespace).resolve(name);
  }

  /** A job that ended by itself (not stopped or cancelled by us) is reported failed, with its error. */
  private void ended(String name, JobID jobId, JobResult result) {
    Deployed current = deployed.get(name);
    if (current == null || !jobId.equals(current.jobId())
        || result.getApplicationStatus() == ApplicationStatus.CANCELED) {
      return;
    }
    FlinkDeployment deployment = client.resources(FlinkDeployment.class).inNamespace(namespace).withName(name).get();
    if (deployment == null) {
      return;
    }
    Throwable error = result.getSerializedThrowable().map(t -> (Throwable) t).orElse(null);
    LOG.warn("FlinkDeployment {}: job {} ended by itself ({})", name, jobId, result.getApplicationStatus(), error);
    deployed.put(name, new Deployed(current.specJson(), null, current.lastSavepoint()));
    writeStatus(deployment, ReconciliationState.DEPLOYED, JobStatus.FAILED, jobId, current.lastSavepoint(),
        error == null ? null : errorJson(error));
  }

  private void deleted(String name) {
    Deployed current = deployed.remove(name);
    if (current == null || current.jobId() == null) {
      return;
    }
    try {
      cluster.cancelJob(current.jobId()).get(60, TimeUnit.SECONDS);
      LOG.info("FlinkDeployment {} deleted: job {} cancelled", name, current.jobId());
    } catch (Exception e) {
      LOG.warn("FlinkDeployment {} deleted: cannot cancel job {}", name, current.jobId(), e);
    }
  }

  /**
   * Writes the status as the Flink operator does: the spec acted on as the last reconciled one (stable once
   * deployed without error), the reconciliation state, the job and the savepoint it last took.
   */
  private void writeStatus(FlinkDeployment actedOn, ReconciliationState state, JobStatus jobState, JobID jobId,
      String savepoint, String error) {
    String name = actedOn.getMetadata().getName();
    FlinkDeploymentStatus status = new FlinkDeploymentStatus();
    status.setObservedGeneration(actedOn.getMetadata().getGeneration());
    status.getReconciliationStatus().serializeAndSetLastReconciledSpec(actedOn.getSpec(), actedOn);
    status.getReconciliationStatus().setState(state);
    if (state == ReconciliationState.DEPLOYED && error == null) {
      status.getReconciliationStatus().markReconciledSpecAsStable();
    }
    status.getJobStatus().setJobName(name);
    status.getJobStatus().setState(jobState);
    status.getJobStatus().setJobId(jobId == null ? null : jobId.toHexString());
    if (savepoint != null) {
      SavepointInfo info = Objects.requireNonNullElseGet(status.getJobStatus().getSavepointInfo(), SavepointInfo::new);
      info.updateLastSavepoint(Savepoint.of(savepoint, SnapshotTriggerType.UPGRADE));
      status.getJobStatus().setSavepointInfo(info);
      status.getJobStatus().setUpgradeSavepointPath(savepoint);
    }
    status.setError(error);
    StatusWrites.update(client, client.resources(FlinkDeployment.class).inNamespace(namespace).withName(name),
        current -> current.setStatus(status));
  }

  /** The Flink operator's error format: JSON with the exception's type and message. */
  private static String errorJson(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return Serialization.asJson(Map.of("type", e.getClass().getName(),
        "message", Objects.requireNonNullElse(root.getMessage(), root.toString())));
  }

  /** Stops watching, cancels the jobs still running and stops the cluster. */
  @Override
  public void close() throws Exception {
    if (informer != null) {
      informer.close();
    }
    worker.shutdown();
    try {
      worker.awaitTermination(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (cluster != null) {
      cluster.close();
    }
  }
}
