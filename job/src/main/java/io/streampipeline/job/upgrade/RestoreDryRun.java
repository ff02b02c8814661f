package io.streampipeline.job.upgrade;

import io.streampipeline.job.LocalPipeline;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.SinkPlan;
import io.streampipeline.plan.SourcePlan;
import io.streampipeline.plan.StartingOffsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a savepoint of one version of a pipeline into another, for real: the old version runs in a
 * {@link MiniCluster} over generated records ({@link GeneratedRecords}) on topics of its own, is stopped with
 * a savepoint, and the new version is started from it. Flink checks every state's serializer against the
 * saved one while the new job restores, so a restore that fails here fails on the cluster too (on the
 * state backend used here, the heap one; RocksDB checks the same serializer snapshots).
 *
 * <p>Each run uses fresh topics, consumer group and transactional ids on the given Kafka cluster (a local
 * broker, usually) and deletes its topics afterwards.
 */
public final class RestoreDryRun {

  private static final Logger LOG = LoggerFactory.getLogger(RestoreDryRun.class);
  private static final int RECORDS_PER_SOURCE = 60;
  private static final long CHECKPOINT_INTERVAL_MS = 200;
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final Duration POLL = Duration.ofMillis(100);

  private final MiniCluster cluster;
  private final String bootstrapServers;
  private final Path savepoints;

  /**
   * @param cluster a started MiniCluster with a free slot per operator chain of the larger parallelism
   * @param savepoints where the dry runs' savepoints are written
   */
  public RestoreDryRun(MiniCluster cluster, String bootstrapServers, Path savepoints) {
    this.cluster = cluster;
    this.bootstrapServers = bootstrapServers;
    this.savepoints = savepoints;
  }

  /**
   * Why restoring a savepoint of {@code from} into {@code to} fails, or empty when the new job restores it
   * and completes a checkpoint.
   *
   * @param allowDroppedState restore even if some of the saved state has no operator in {@code to}
   */
  public Optional<String> restoreFailure(PipelinePlan from, int fromParallelism, PipelinePlan to, int toParallelism,
      boolean allowDroppedState) throws Exception {
    String run = "upgrade-dry-run-" + UUID.randomUUID().toString().substring(0, 8);
    PipelinePlan old = isolated(from, run);
    PipelinePlan next = isolated(to, run);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      Set<String> topics = topics(old, next);
      admin.createTopics(topics.stream().map(t -> new NewTopic(t, 1, (short) 1)).toList()).all().get();
      try {
        write(old);
        String savepoint;
        try (LocalPipeline running = LocalPipeline.start(cluster, old, fromParallelism, null)) {
          awaitConsumed(admin, running, old);
          savepoint = running.stopWithSavepoint(savepoints);
        }
        try (LocalPipeline restored = LocalPipeline.restore(cluster, next, toParallelism, savepoint, allowDroppedState)) {
          return awaitRestored(restored);
        }
      } finally {
        admin.deleteTopics(topics).all().get();
      }
    }
  }

  /** The plan on this run's own topics, group and transactional ids, from the earliest offsets, never restarting. */
  private PipelinePlan isolated(PipelinePlan plan, String run) {
    List<SourcePlan> sources = plan.sources().stream().map(s -> new SourcePlan(s.name(), run + "-" + s.name(),
        s.format(), s.columns(), StartingOffsets.of(StartingOffsets.Mode.EARLIEST), s.eventTime(), s.upsertKey()))
        .toList();
    SinkPlan sink = plan.sink() == null ? null
        : new SinkPlan(run + "-sink", plan.sink().format(), plan.sink().key());
    List<SinkPlan> sinks = plan.sinks() == null ? null : plan.sinks().stream()
        .map(s -> new SinkPlan(run + "-sink-" + s.name(), s.format(), s.key(), s.name())).toList();
    return new PipelinePlan(plan.version(), plan.pipeline(), bootstrapServers, sources, plan.sql(), sink,
        plan.deadLetterTopic() == null ? null : run + "-dead-letters", plan.delivery(), CHECKPOINT_INTERVAL_MS,
        0, plan.restartDelayMs(), run, run, plan.state(), null, sinks);
  }

  private static Set<String> topics(PipelinePlan old, PipelinePlan next) {
    Set<String> topics = new LinkedHashSet<>();
    for (PipelinePlan plan : List.of(old, next)) {
      plan.sources().forEach(s -> topics.add(s.topic()));
      plan.allSinks().forEach(s -> topics.add(s.topic()));
      if (plan.deadLetterTopic() != null) {
        topics.add(plan.deadLetterTopic());
      }
    }
    return topics;
  }

  private void write(PipelinePlan plan) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (SourcePlan source : plan.sources()) {
        for (byte[] value : GeneratedRecords.of(source, RECORDS_PER_SOURCE)) {
          producer.send(new ProducerRecord<>(source.topic(), value));
        }
      }
      producer.flush();
    }
  }

  /** Waits until the job's consumer group has committed the end of every source, i.e. a checkpoint covers them. */
  private static void awaitConsumed(Admin admin, LocalPipeline job, PipelinePlan plan) throws Exception {
    List<TopicPartition> partitions = new ArrayList<>();
    plan.sources().forEach(s -> partitions.add(new TopicPartition(s.topic(), 0)));
    Map<TopicPartition, Long> ends = new java.util.HashMap<>();
    admin.listOffsets(partitions.stream().collect(java.util.stream.Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
        .all().get().forEach((p, info) -> ends.put(p, info.offset()));
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(plan.consumerGroup()).partitionsToOffsetAndMetadata().get();
      if (partitions.stream().allMatch(p -> committed.get(p) != null && committed.get(p).offset() >= ends.get(p))) {
        return;
      }
      if (job.status().isGloballyTerminalState()) {
        throw new IllegalStateException("the running version failed on generated records: " + failure(job.awaitResult()));
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("the running version did not read its generated records within " + TIMEOUT);
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** Empty once every task of the restored job runs and a checkpoint completed; the failure if the job fails. */
  private Optional<String> awaitRestored(LocalPipeline job) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      AccessExecutionGraph graph = cluster.getExecutionGraph(job.jobId()).get();
      if (graph.getState().isGloballyTerminalState() || graph.getState() == JobStatus.FAILING) {
        return Optional.of(failure(job.awaitResult()));
      }
      boolean running = true;
      for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
        running &= vertex.getExecutionState() == ExecutionState.RUNNING;
      }
      if (running && graph.getCheckpointStatsSnapshot() != null
          && graph.getCheckpointStatsSnapshot().getCounts().getNumberOfCompletedCheckpoints() > 0) {
        LOG.debug("Restored {} from a savepoint of its running version", job.jobId());
        return Optional.empty();
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("the new version neither restored nor failed within " + TIMEOUT);
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** The innermost cause of a failed job, which names the state and serializer for a failed restore. */
  private static String failure(JobResult result) {
    Throwable cause = result.getSerializedThrowable()
        .map(t -> t.deserializeError(RestoreDryRun.class.getClassLoader()))
        .orElse(null);
    if (cause == null) {
      return "the job ended as " + result.getApplicationStatus();
    }
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }
}
