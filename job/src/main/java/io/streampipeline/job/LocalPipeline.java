package io.streampipeline.job;

import io.streampipeline.plan.PipelinePlan;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * A pipeline running in a {@link MiniCluster} of this process: what the CLI runs locally, and what tests
 * and benchmarks run. Closing it cancels the job if it is still running.
 *
 * <pre>{@code
 * try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
 *     .setNumTaskManagers(1).setNumSlotsPerTaskManager(4).build())) {
 *   cluster.start();
 *   LocalPipeline run = LocalPipeline.start(cluster, plan, 1, null);
 *   String savepoint = run.stopWithSavepoint(Path.of("/tmp/savepoints"));
 *   LocalPipeline resumed = LocalPipeline.start(cluster, plan, 1, savepoint);
 * }
 * }</pre>
 */
public final class LocalPipeline implements AutoCloseable {

  private final MiniCluster cluster;
  private final JobID jobId;

  private LocalPipeline(MiniCluster cluster, JobID jobId) {
    this.cluster = cluster;
    this.jobId = jobId;
  }

  /**
   * Submits the plan's job and returns once it is submitted (not necessarily running).
   *
   * @param savepoint a savepoint or retained checkpoint to restore, or null to start from the plan's offsets
   */
  public static LocalPipeline start(MiniCluster cluster, PipelinePlan plan, int parallelism, String savepoint)
      throws Exception {
    return savepoint == null ? submit(cluster, jobGraph(plan, parallelism))
        : restore(cluster, plan, parallelism, savepoint, false);
  }

  /**
   * Submits the plan's job restored from {@code savepoint}.
   *
   * @param allowNonRestoredState start even if some saved state has no operator in this job (it is dropped)
   */
  public static LocalPipeline restore(MiniCluster cluster, PipelinePlan plan, int parallelism, String savepoint,
      boolean allowNonRestoredState) throws Exception {
    JobGraph job = jobGraph(plan, parallelism);
    job.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, allowNonRestoredState));
    return submit(cluster, job);
  }

  private static LocalPipeline submit(MiniCluster cluster, JobGraph job) throws Exception {
    return new LocalPipeline(cluster, cluster.submitJob(job).get().getJobID());
  }

  /** The plan's job as a graph, configured and built as {@link PipelineJob#main} does. */
  public static JobGraph jobGraph(PipelinePlan plan, int parallelism) {
    return streamGraph(plan, parallelism).getJobGraph();
  }

  /**
   * The plan's job before chaining into a {@link JobGraph}: its operators with their descriptions and
   * key serializers, from which Flink derives the operator IDs that savepoint state is stored under.
   */
  public static StreamGraph streamGraph(PipelinePlan plan, int parallelism) {
    return build(plan, parallelism).streamGraph();
  }

  /** The plan's stream graph and the state its query keeps, configured and built as {@link PipelineJob#main} does. */
  public static Built build(PipelinePlan plan, int parallelism) {
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(new Configuration());
    env.setParallelism(parallelism);
    PipelineJob.configure(env, plan);
    QueryState state = PipelineJob.build(env, plan);
    return new Built(env.getStreamGraph(true), state);
  }

  /** A built job: its stream graph, and the state its query keeps. */
  public record Built(StreamGraph streamGraph, QueryState state) {}

  public JobID jobId() {
    return jobId;
  }

  public JobStatus status() throws Exception {
    return cluster.getJobStatus(jobId).get();
  }

  /** Stops the job with a savepoint under {@code directory} (sources stop at a barrier) and returns its path. */
  public String stopWithSavepoint(Path directory) throws Exception {
    return cluster.stopWithSavepoint(jobId, directory.toUri().toString(), false, SavepointFormatType.CANONICAL)
        .get();
  }

  /** Waits until the job has ended and returns how. */
  public JobResult awaitResult() throws Exception {
    return cluster.requestJobResult(jobId).get();
  }

  public void cancel() throws Exception {
    cluster.cancelJob(jobId).get();
  }

  @Override
  public void close() throws Exception {
    JobStatus status;
    try {
      status = status();
    } catch (ExecutionException e) {
      return;
    }
    if (!status.isGloballyTerminalState()) {
      cancel();
      awaitResult();
    }
  }
}
