package io.streampipeline.job;

import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.model.Format;
import io.streampipeline.plan.ColumnPlan;
import io.streampipeline.plan.EventTimePlan;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.PlanCodec;
import io.streampipeline.plan.SinkPlan;
import io.streampipeline.plan.SourcePlan;
import io.streampipeline.plan.StartingOffsets;
import java.util.List;
import java.util.UUID;

/** Pipeline plans for tests; each has its own consumer group and transactional ids. */
final class Plans {

  private Plans() {}

  static SourcePlan rawSource(String name, String topic) {
    return new SourcePlan(name, topic, Format.RAW, List.of(new ColumnPlan(SourcePlan.RAW_COLUMN, "STRING", true)),
        StartingOffsets.of(StartingOffsets.Mode.EARLIEST), null);
  }

  static SourcePlan jsonSource(String name, String topic, List<ColumnPlan> columns, EventTimePlan eventTime) {
    return new SourcePlan(name, topic, Format.JSON, columns, StartingOffsets.of(StartingOffsets.Mode.COMMITTED),
        eventTime);
  }

  static ColumnPlan column(String name, String type, boolean required) {
    return new ColumnPlan(name, type, required);
  }

  static PipelinePlan plan(String bootstrapServers, List<SourcePlan> sources, String sql, SinkPlan sink,
      String deadLetterTopic, DeliveryGuarantee delivery) {
    String id = UUID.randomUUID().toString().substring(0, 8);
    return new PipelinePlan(PlanCodec.CURRENT_VERSION, "test/" + id, bootstrapServers, sources, sql, sink,
        deadLetterTopic, delivery, 500, 20, 200, "streampipeline.test." + id, "streampipeline.test." + id, null, null);
  }

  static SinkPlan jsonSink(String topic, String... key) {
    return new SinkPlan(topic, Format.JSON, List.of(key));
  }

  /** A sink of a plan with several sinks, written by {@code INSERT INTO name}. */
  static SinkPlan namedJsonSink(String name, String topic, String... key) {
    return new SinkPlan(topic, Format.JSON, List.of(key), name);
  }

  /** The plan with these sinks instead of its one sink; its SQL must be INSERT INTO statements. */
  static PipelinePlan fanOut(PipelinePlan plan, SinkPlan... sinks) {
    return new PipelinePlan(plan.version(), plan.pipeline(), plan.bootstrapServers(), plan.sources(), plan.sql(),
        null, plan.deadLetterTopic(), plan.delivery(), plan.checkpointIntervalMs(), plan.restartAttempts(),
        plan.restartDelayMs(), plan.consumerGroup(), plan.transactionalIdPrefix(), plan.state(), plan.kafkaProperties(),
        List.of(sinks));
  }

  static String topic(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
