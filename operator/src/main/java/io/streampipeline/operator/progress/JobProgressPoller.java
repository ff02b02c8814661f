package io.streampipeline.operator.progress;

import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import io.streampipeline.model.JobSpec;
import io.streampipeline.model.SourceSpec;
import io.streampipeline.operator.api.JobStatusSummary;
import io.streampipeline.operator.api.Phase;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.plan.JobMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads each running pipeline's progress from its JobManager's REST API, off the reconcile thread: a JOSDK
 * {@link PerResourcePollingEventSource} calls {@link #poll} every {@link OperatorConfig#progressPollInterval()} per
 * pipeline on its own executor and triggers a reconcile only when the (coarse) {@link JobProgress} differs from the
 * previous poll's. A pipeline that is not Running costs no HTTP call. One poll is a handful of GETs (the job, and per
 * vertex its metric list and the sums wanted), each with {@link JobMetrics}' timeout.
 *
 * <p>A poll that fails (JobManager restarting, network) keeps the previous poll's value rather than clearing it, so
 * that a blip does not flip the status twice; the failure is logged.
 */
public final class JobProgressPoller {

  private static final Logger LOG = LoggerFactory.getLogger(JobProgressPoller.class);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final OperatorConfig config;
  private PerResourcePollingEventSource<JobProgress, StreamPipeline, String> source;

  public JobProgressPoller(OperatorConfig config) {
    this.config = config;
  }

  /** The event source that polls; call once, from the reconciler's {@code prepareEventSources}. */
  public PerResourcePollingEventSource<JobProgress, StreamPipeline, String> eventSource(
      EventSourceContext<StreamPipeline> context) {
    source = new PerResourcePollingEventSource<>(JobProgress.class, context,
        new PerResourcePollingConfigurationBuilder<JobProgress, StreamPipeline, String>(this::poll,
            config.progressPollInterval())
            // One progress per pipeline.
            .withResourceIDMapper(progress -> "progress")
            .build());
    return source;
  }

  Set<JobProgress> poll(StreamPipeline pipeline) {
    JobStatusSummary job = pipeline.getStatus() == null ? null : pipeline.getStatus().getJob();
    if (job == null || pipeline.getStatus().getPhase() != Phase.Running || job.getJobId() == null
        || job.getFlinkDeployment() == null) {
      return Set.of();
    }
    URI rest = config.flinkRestAddress(pipeline.getMetadata().getNamespace(), job.getFlinkDeployment());
    List<String> sources = pipeline.getSpec().getSources().stream().map(SourceSpec::getName).toList();
    try {
      JobMetrics metrics = new JobMetrics(http, rest);
      return Set.of(JobProgress.of(metrics.pendingRecords(job.getJobId(), sources), sources, threshold(pipeline),
          metrics.lateRecordsDropped(job.getJobId()), metrics.failedCommits(job.getJobId())));
    } catch (IOException | RuntimeException e) {
      LOG.warn("Reading the progress of {}/{} from {} failed, keeping the last reading: {}",
          pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName(), rest, e.toString());
      return lastPoll(pipeline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return lastPoll(pipeline);
    }
  }

  /**
   * The latest poll's progress of {@code pipeline}, from the event source's cache only: unlike
   * {@code Context.getSecondaryResource}, which polls when the cache has nothing yet, it never makes the reconcile
   * thread wait on a JobManager. Empty before the first poll (one interval after the pipeline is seen).
   */
  public Optional<JobProgress> latest(StreamPipeline pipeline) {
    return lastPoll(pipeline).stream().findFirst();
  }

  private Set<JobProgress> lastPoll(StreamPipeline pipeline) {
    return source.getSecondaryResources(ResourceID.fromResource(pipeline));
  }

  /** The spec's {@code job.caughtUpBacklog}, or its default when the spec predates it. */
  public static long threshold(StreamPipeline pipeline) {
    JobSpec job = pipeline.getSpec().getJob();
    return job == null || job.getCaughtUpBacklog() == null ? JobSpec.DEFAULT_CAUGHT_UP_BACKLOG
        : job.getCaughtUpBacklog();
  }
}
