package io.streampipeline.job;

import static io.streampipeline.job.Plans.jsonSink;
import static io.streampipeline.job.Plans.rawSource;
import static org.assertj.core.api.Assertions.assertThat;

import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.model.StateBackend;
import io.streampipeline.plan.EventTimePlan;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.SinkPlan;
import io.streampipeline.plan.StatePlan;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.tasks.CheckpointCoordinatorConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** How the job is configured from its plan, read from the job graph it submits, and what it warns about. */
class JobConfigurationTest {

  private static final String WORD_COUNT =
      "SELECT word, COUNT(*) AS cnt FROM lines, LATERAL TABLE(SPLIT_WORDS(line)) AS T(word) GROUP BY word";

  @Test
  void atLeastOnceCheckpointsWithoutAligningBarriers() {
    assertThat(checkpointing(DeliveryGuarantee.AT_LEAST_ONCE).isExactlyOnce()).isFalse();
  }

  @Test
  void exactlyOnceCheckpointsWithAlignedBarriers() {
    assertThat(checkpointing(DeliveryGuarantee.EXACTLY_ONCE).isExactlyOnce()).isTrue();
  }

  @Test
  void checkpointsAreTakenAtThePlansInterval() {
    assertThat(checkpointing(DeliveryGuarantee.AT_LEAST_ONCE).getCheckpointInterval()).isEqualTo(500);
  }

  @Test
  void aQueryThatKeepsKeyedStateRunsOnRocksDbWithIncrementalCheckpoints() {
    JobGraph job = LocalPipeline.jobGraph(lines(WORD_COUNT, jsonSink("out", "word"), null), 1);
    assertThat(job.getJobConfiguration().get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
    assertThat(job.getJobConfiguration().get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
  }

  @Test
  void aQueryWithoutKeyedStateRunsOnTheHeap() {
    JobGraph job = LocalPipeline.jobGraph(lines("SELECT UPPER(line) AS line FROM lines", jsonSink("out"), null), 1);
    assertThat(job.getJobConfiguration().get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
  }

  @Test
  void theSpecsStateBackendWins() {
    JobGraph job = LocalPipeline.jobGraph(lines(WORD_COUNT, jsonSink("out", "word"),
        new StatePlan(StateBackend.HASHMAP, null)), 1);
    assertThat(job.getJobConfiguration().get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
  }

  @Test
  void stateThatGrowsWithEveryKeyWithoutATtlIsWarnedAbout() {
    PipelinePlan plan = lines(WORD_COUNT, jsonSink("out", "word"), null);
    assertThat(queryState(plan).warnings(plan)).singleElement().hasToString("job.stateTtl: the query keeps state"
        + " per key that nothing expires (GroupAggregate): it grows with every new key; set job.stateTtl, or"
        + " STATE_TTL hints per input, unless the keys are a bounded set");
  }

  @Test
  void aTtlSilencesTheWarning() {
    PipelinePlan plan = lines(WORD_COUNT, jsonSink("out", "word"), new StatePlan(null, 3_600_000L));
    assertThat(queryState(plan).warnings(plan)).isEmpty();
  }

  @Test
  void eventTimeWindowsKeepStateTheWatermarkClears() {
    PipelinePlan plan = Plans.plan("localhost:9092", List.of(Plans.jsonSource("clicks", "clicks",
        List.of(Plans.column("page", "STRING", true), Plans.column("ts", "TIMESTAMP(3)", true)),
        new EventTimePlan("ts", 1_000, 60_000))),
        "SELECT window_start, page, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts),"
            + " INTERVAL '1' MINUTE)) GROUP BY window_start, window_end, page", jsonSink("out"), null,
        DeliveryGuarantee.AT_LEAST_ONCE);
    QueryState state = queryState(plan);
    assertThat(state.keyedState()).isTrue();
    assertThat(state.unbounded()).isEmpty();
  }

  @Test
  void aRegularJoinKeepsStateThatGrowsWithEveryKey() {
    PipelinePlan plan = Plans.plan("localhost:9092", List.of(rawSource("lines", "lines"), rawSource("other", "other")),
        "SELECT l.line FROM lines l JOIN other o ON l.line = o.line", jsonSink("out"), null,
        DeliveryGuarantee.AT_LEAST_ONCE);
    assertThat(queryState(plan).unbounded()).containsExactly("Join");
  }

  private static QueryState queryState(PipelinePlan plan) {
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(new Configuration());
    return PipelineJob.build(env, plan);
  }

  private static PipelinePlan lines(String sql, SinkPlan sink, StatePlan state) {
    PipelinePlan base = Plans.plan("localhost:9092", List.of(rawSource("lines", "lines")), sql, sink, null,
        DeliveryGuarantee.EXACTLY_ONCE);
    return new PipelinePlan(base.version(), base.pipeline(), base.bootstrapServers(), base.sources(), base.sql(),
        base.sink(), base.deadLetterTopic(), base.delivery(), base.checkpointIntervalMs(), base.restartAttempts(),
        base.restartDelayMs(), base.consumerGroup(), base.transactionalIdPrefix(), state, null);
  }

  private static CheckpointCoordinatorConfiguration checkpointing(DeliveryGuarantee delivery) {
    PipelinePlan plan = Plans.plan("localhost:9092", List.of(rawSource("lines", "lines")),
        "SELECT line FROM lines", jsonSink("out"), null, delivery);
    return LocalPipeline.jobGraph(plan, 1).getCheckpointingSettings().getCheckpointCoordinatorConfiguration();
  }
}
