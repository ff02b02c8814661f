package io.streampipeline.bench.job;

import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.model.StateBackend;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamStatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * The peer: the Flink SQL job a user would write by hand for the Flink operator instead of using StreamPipeline.
 * Tables over Flink's own {@code kafka}/{@code upsert-kafka} connector and {@code json}/{@code raw} formats,
 * declared with {@code CREATE TABLE ... WITH (...)}, and one {@code INSERT}, as a SQL runner would submit them.
 *
 * <p>For a like-for-like comparison it gets what our job gets: the same parallelism, checkpoint interval and
 * checkpointing mode (at-least-once checkpoints for at-least-once delivery), the same state backend as our job
 * picks for the query, and the same producer settings as our sink ({@code linger.ms=5}, {@code batch.size=64k},
 * a one-minute transaction timeout: Flink's default of one hour is above the broker's 15-minute maximum, so a
 * hand-written exactly-once job must set it too). Everything else is Flink's default. It has no dead-letter topic:
 * a record the {@code json} format cannot decode fails the job.
 */
final class PeerSqlJob implements AutoCloseable {

  private final MiniCluster cluster;
  private final JobID jobId;

  private PeerSqlJob(MiniCluster cluster, JobID jobId) {
    this.cluster = cluster;
    this.jobId = jobId;
  }

  /** The connector options of one run's tables. */
  record Tables(String bootstrapServers, DeliveryGuarantee delivery, String id) {

    String source(String topic, String format) {
      return "'connector' = 'kafka', 'topic' = '" + topic + "', 'properties.bootstrap.servers' = '"
          + bootstrapServers + "', 'properties.group.id' = '" + id + "', 'scan.startup.mode' = 'earliest-offset',"
          + " 'format' = '" + format + "'";
    }

    String sink(String topic, String format) {
      return "'connector' = 'kafka', 'topic' = '" + topic + "', 'format' = '" + format + "', " + producer();
    }

    String upsertSink(String topic) {
      return "'connector' = 'upsert-kafka', 'topic' = '" + topic + "', 'key.format' = 'json',"
          + " 'value.format' = 'json', " + producer();
    }

    private String producer() {
      return "'properties.bootstrap.servers' = '" + bootstrapServers + "', 'properties.linger.ms' = '5',"
          + " 'properties.batch.size' = '65536', 'properties.transaction.timeout.ms' = '60000',"
          + " 'sink.delivery-guarantee' = '" + (delivery == DeliveryGuarantee.EXACTLY_ONCE ? "exactly-once"
          : "at-least-once") + "', 'sink.transactional-id-prefix' = '" + id + "'";
    }
  }

  /** Plans the statements (the last is the INSERT) and submits the job; returns once it is submitted. */
  static PeerSqlJob start(MiniCluster cluster, List<String> statements, int parallelism, long checkpointMs,
      DeliveryGuarantee delivery, StateBackend backend) throws Exception {
    Configuration config = new Configuration();
    config.set(StateBackendOptions.STATE_BACKEND, backend.flinkName());
    config.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, backend == StateBackend.ROCKSDB);
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(config);
    env.setParallelism(parallelism);
    env.enableCheckpointing(checkpointMs, delivery == DeliveryGuarantee.EXACTLY_ONCE
        ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE);
    StreamTableEnvironment tables = StreamTableEnvironment.create(env);
    tables.getConfig().setLocalTimeZone(ZoneOffset.UTC);
    for (String ddl : statements.subList(0, statements.size() - 1)) {
      tables.executeSql(ddl);
    }
    StreamStatementSet insert = tables.createStatementSet();
    insert.addInsertSql(statements.get(statements.size() - 1));
    insert.attachAsDataStream();
    JobGraph job = env.getStreamGraph().getJobGraph();
    return new PeerSqlJob(cluster, cluster.submitJob(job).get().getJobID());
  }

  @Override
  public void close() throws Exception {
    if (!cluster.getJobStatus(jobId).get().isGloballyTerminalState()) {
      cluster.cancelJob(jobId).get();
      cluster.requestJobResult(jobId).get();
    }
  }
}
