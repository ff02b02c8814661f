package io.streampipeline.job;

import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.model.StateBackend;
import io.streampipeline.plan.InvalidPlanException;
import io.streampipeline.plan.JobMetrics;
import io.streampipeline.plan.KafkaAccess;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.PlanCodec;
import io.streampipeline.plan.PlanValidator;
import io.streampipeline.plan.SinkPlan;
import io.streampipeline.plan.SourcePlan;
import io.streampipeline.plan.StartingOffsets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.SqlParserException;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableException;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.config.ExecutionConfigOptions;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.runtime.typeutils.ExternalTypeInfo;
import org.apache.flink.types.Either;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundled Flink job: runs one {@link PipelinePlan}. Kafka sources are decoded into SQL tables named after
 * the sources, the plan's SQL runs over them, and its result goes to the Kafka sink (or each
 * {@code INSERT INTO} statement's to its sink, see {@link SinkStatements}); unreadable source records go to the
 * dead-letter topic. All of it is one Flink job with one checkpoint.
 *
 * <p>In a cluster it is started with {@code --plan <json>} or {@code --plan-file <path>}. In-process (the
 * CLI, tests) call {@link #configure} and {@link #build} on an environment, or use {@link LocalPipeline}.
 */
public final class PipelineJob {

  /** Alternative to {@link PlanCodec#PLAN_ARGUMENT}: a file holding the plan's JSON. */
  public static final String PLAN_FILE_ARGUMENT = "--plan-file";

  private static final Logger LOG = LoggerFactory.getLogger(PipelineJob.class);

  private PipelineJob() {}

  public static void main(String[] args) throws Exception {
    PipelinePlan plan = readPlan(args);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    configure(env, plan);
    build(env, plan);
    env.execute(plan.pipeline());
  }

  /**
   * The plan given by {@code --plan <json>} or {@code --plan-file <path>}.
   *
   * @throws InvalidPlanException naming the field that is wrong, or the missing argument
   */
  public static PipelinePlan readPlan(String[] args) {
    String json = null;
    for (int i = 0; i < args.length; i++) {
      if ((args[i].equals(PlanCodec.PLAN_ARGUMENT) || args[i].equals(PLAN_FILE_ARGUMENT)) && i + 1 >= args.length) {
        throw new InvalidPlanException("plan", args[i] + " needs a value");
      }
      if (args[i].equals(PlanCodec.PLAN_ARGUMENT)) {
        json = args[++i];
      } else if (args[i].equals(PLAN_FILE_ARGUMENT)) {
        Path file = Path.of(args[++i]);
        try {
          json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new InvalidPlanException("plan", "cannot read " + file + ": " + e.getMessage());
        }
      }
    }
    if (json == null) {
      throw new InvalidPlanException("plan", "missing: pass " + PlanCodec.PLAN_ARGUMENT + " <json> or "
          + PLAN_FILE_ARGUMENT + " <path>");
    }
    return PlanCodec.decode(json);
  }

  /**
   * Applies the plan's checkpointing (the delivery guarantee's mode, as the FlinkDeployment sets it; its
   * interval; checkpoints kept on cancellation so a pipeline can be resumed) and fixed-delay restart strategy
   * to {@code env}. Enables object reuse: no function of the job keeps a record after passing it on.
   */
  public static void configure(StreamExecutionEnvironment env, PipelinePlan plan) {
    Configuration config = new Configuration();
    config.setString(DeliveryGuarantee.CHECKPOINTING_MODE_OPTION, plan.delivery().checkpointingMode());
    config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, plan.restartAttempts());
    config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(plan.restartDelayMs()));
    env.configure(config, PipelineJob.class.getClassLoader());
    env.enableCheckpointing(plan.checkpointIntervalMs());
    env.getCheckpointConfig().setExternalizedCheckpointCleanup(
        CheckpointConfig.ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION);
    env.getConfig().enableObjectReuse();
  }

  /**
   * Builds the whole pipeline on {@code env}: sources, SQL, sink and dead letters, with the plan's state TTL
   * and state backend. Nothing runs until the environment executes.
   *
   * @return the state the query keeps, and what to warn about it
   *
   * @throws InvalidPlanException when the plan cannot run: invalid fields, SQL that does not validate
   *     ({@code transform.sql}), or a result the sink cannot write correctly ({@code sink.*})
   */
  public static QueryState build(StreamExecutionEnvironment env, PipelinePlan plan) {
    PlanValidator.requireValid(plan);
    KafkaSinks.transactionTimeoutMs(plan);
    StreamTableEnvironment tableEnv = StreamTableEnvironment.create(env);
    // Windows over TIMESTAMP_LTZ event time are aligned in the session time zone: UTC, not the machine's.
    tableEnv.getConfig().setLocalTimeZone(ZoneOffset.UTC);
    Long ttlMs = plan.stateOrDefault().ttlMs();
    if (ttlMs != null) {
      tableEnv.getConfig().set(ExecutionConfigOptions.IDLE_STATE_RETENTION, Duration.ofMillis(ttlMs));
    }
    tableEnv.createTemporarySystemFunction(SplitWords.NAME, SplitWords.class);

    DataStream<DeadLetter> deadLetters = null;
    for (SourcePlan source : plan.sources()) {
      SourceSchema schema = new SourceSchema(source);
      // The uids are those of the job before decoding moved into the source: its offsets carry over.
      SingleOutputStreamOperator<Row> rows = env
          .fromSource(kafkaSource(plan, source, schema), SourceWatermarks.of(schema),
              JobMetrics.sourceOperatorName(source.name()))
          .uid("source-" + source.name())
          .process(new DeadLetterSplit(source.name(), plan.deadLetterTopic() != null),
              ExternalTypeInfo.of(schema.rowType()))
          .name("split dead letters " + source.name())
          .uid("decode-" + source.name());
      tableEnv.createTemporaryView(source.name(), source.upsert()
          ? tableEnv.fromChangelogStream(UpsertChangelog.of(rows, schema), schema.tableSchema(), ChangelogMode.all())
          : tableEnv.fromDataStream(rows, schema.tableSchema()));
      DataStream<DeadLetter> unreadable = rows.getSideOutput(DeadLetterSplit.DEAD_LETTERS);
      deadLetters = deadLetters == null ? unreadable : deadLetters.union(unreadable);
    }

    if (plan.sinks() == null) {
      // The uids of a single-sink job predate several sinks: savepoints of existing pipelines restore.
      write(tableEnv, plan, query(tableEnv, plan.sql()), plan.sink(), "sink", "");
    } else {
      for (SinkStatements.SinkStatement statement : SinkStatements.parse(tableEnv, plan)) {
        String name = statement.sink().name();
        write(tableEnv, plan, statement.result(), statement.sink(), statement.field(), "-" + name);
      }
    }
    if (plan.deadLetterTopic() != null) {
      deadLetters
          .sinkTo(KafkaSinks.sink(plan, new DeadLetterSerializer(plan.deadLetterTopic()),
              KafkaAccess.DEAD_LETTER_ID_SUFFIX))
          .name("dead letters " + plan.deadLetterTopic())
          .uid("dead-letter-sink");
    }
    QueryState state = QueryState.of(env);
    StateBackend backend = stateBackend(env, plan, state);
    state.warnings(plan).forEach(warning -> LOG.warn("Pipeline {}: {}", plan.pipeline(), warning));
    LOG.info("Built pipeline {}: sources {}, sinks {}, delivery {}, state backend {}", plan.pipeline(),
        plan.sources().stream().map(SourcePlan::topic).toList(),
        plan.allSinks().stream().map(SinkPlan::topic).toList(), plan.delivery(),
        backend.flinkName());
    return state;
  }

  /**
   * Writes a result to its Kafka sink. Each sink of a job has its own operator uids and its own transactional-id
   * prefix ({@link KafkaAccess#sinkIdSuffix}). Every sink commits its transaction when the job's checkpoint
   * completes; the commits of several sinks are separate Kafka transactions, so a read_committed reader of two
   * sinks may see one sink's records of a checkpoint before the other's.
   *
   * @param field the sink's field in the plan, for refusals
   */
  private static void write(StreamTableEnvironment tableEnv, PipelinePlan plan, Table result, SinkPlan sink,
      String field, String uidSuffix) {
    ResultShape shape = ResultShape.of(result, sink, field);
    resultStream(tableEnv, result, shape, uidSuffix)
        .sinkTo(KafkaSinks.sink(plan, new ResultSerializer(sink.topic(), sink.format(), shape.names(),
            shape.keyColumns()), KafkaAccess.sinkIdSuffix(sink)))
        .name("sink " + sink.topic())
        .uid("sink" + uidSuffix);
  }

  /**
   * Sets the job's state backend: the plan's, or RocksDB when the query keeps keyed state (state may outgrow
   * memory; incremental checkpoints stay small) and the heap when it keeps none (only offsets and
   * transactions, which RocksDB would only slow down).
   */
  private static StateBackend stateBackend(StreamExecutionEnvironment env, PipelinePlan plan, QueryState state) {
    StateBackend backend = plan.stateOrDefault().backend();
    if (backend == null) {
      backend = state.keyedState() ? StateBackend.ROCKSDB : StateBackend.HASHMAP;
    }
    Configuration config = new Configuration();
    config.set(StateBackendOptions.STATE_BACKEND, backend.flinkName());
    config.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, backend == StateBackend.ROCKSDB);
    env.configure(config, PipelineJob.class.getClassLoader());
    return backend;
  }

  private static Table query(StreamTableEnvironment tableEnv, String sql) {
    try {
      return tableEnv.sqlQuery(sql);
    } catch (ValidationException | SqlParserException e) {
      throw SqlErrors.refused(e);
    }
  }

  /**
   * The result as a stream of rows to write. An insert-only result is converted as such; an updating one
   * (the planner refuses to convert it insert-only) as a changelog without UPDATE_BEFORE rows, whose
   * UPDATE_AFTER that follows on the same key carries the new value.
   */
  private static DataStream<Row> resultStream(StreamTableEnvironment tableEnv, Table result, ResultShape shape,
      String uidSuffix) {
    try {
      return tableEnv.toDataStream(result);
    } catch (TableException e) {
      if (e.getMessage() == null || !e.getMessage().contains("doesn't support consuming update")) {
        throw SqlErrors.untranslatable(e);
      }
    }
    shape.requireUpsertable(tableEnv, result);
    try {
      return tableEnv.toChangelogStream(result)
          .filter(row -> row.getKind() != RowKind.UPDATE_BEFORE)
          .name("upserts")
          .uid("upserts" + uidSuffix);
    } catch (TableException e) {
      throw SqlErrors.untranslatable(e);
    }
  }

  private static KafkaSource<Either<Row, DeadLetter>> kafkaSource(PipelinePlan plan, SourcePlan source,
      SourceSchema schema) {
    return KafkaSource.<Either<Row, DeadLetter>>builder()
        .setProperties(KafkaClientProperties.of(plan))
        .setBootstrapServers(plan.bootstrapServers())
        .setTopics(source.topic())
        .setGroupId(plan.consumerGroup())
        .setStartingOffsets(startingOffsets(source.startingOffsets()))
        .setDeserializer(new DecodingDeserializer(schema))
        .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .setProperty("client.id.prefix", plan.consumerGroup() + "." + source.name())
        .build();
  }

  private static OffsetsInitializer startingOffsets(StartingOffsets offsets) {
    switch (offsets.mode()) {
      case EARLIEST:
        return OffsetsInitializer.earliest();
      case LATEST:
        return OffsetsInitializer.latest();
      case TIMESTAMP:
        return OffsetsInitializer.timestamp(offsets.timestampMillis());
      case COMMITTED:
      default:
        return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
    }
  }
}
