package io.streampipeline.job;

import static io.streampipeline.job.Plans.column;
import static io.streampipeline.job.Plans.jsonSink;
import static io.streampipeline.job.Plans.jsonSource;
import static io.streampipeline.job.Plans.plan;
import static io.streampipeline.job.Plans.topic;
import static org.assertj.core.api.Assertions.assertThat;

import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.SourcePlan;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Topics that refuse the job's writes: the job fails with the reason (what the Flink operator puts on the
 * FlinkDeployment's status, and the operator on the pipeline's Ready condition as JobFailed), and what it could not
 * write is never committed: no record is dropped in silence. The plans restart never, so the first failure ends the
 * job.
 */
@Tag("faults")
class SinkRefusalTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

  @RegisterExtension
  static final Kafka KAFKA = new Kafka();

  @Test
  void aResultRecordLargerThanTheSinkAcceptsFailsTheJobWithTheReason(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    String in = topic("words");
    String out = topic("words-out");
    KAFKA.createTopics(1, in, out);
    // Each input fits its topic; the query doubles it, past the sink's limit.
    String large = "y".repeat(KafkaSinks.MAX_RECORD_BYTES / 2 + 1000);
    KAFKA.send(in, List.of("{\"id\": 1, \"text\": \"small\"}", "{\"id\": 2, \"text\": \"" + large + "\"}",
        "{\"id\": 3, \"text\": \"after\"}"));
    SourcePlan source = jsonSource("words", in, List.of(column("id", "BIGINT", true), column("text", "STRING", true)),
        null);
    PipelinePlan plan = plan(KAFKA.bootstrapServers(), List.of(source),
        "SELECT id, text || text AS text FROM words", jsonSink(out), null, DeliveryGuarantee.EXACTLY_ONCE)
        .withRestartStrategy(0, 0);

    try (LocalPipeline run = LocalPipeline.start(cluster, plan, 1, null)) {
      String failure = failure(run);
      assertThat(failure).contains("RecordTooLargeException").contains("max.request.size");
      List<ConsumerRecord<byte[], byte[]>> written = KAFKA.read(out, r -> true, Duration.ofSeconds(3));
      assertThat(written).as("committed output: the transaction holding the large record was never committed")
          .extracting(r -> Readings.json(r.value()).get("id").asLong()).doesNotContain(2L, 3L);
    }
  }

  @Test
  void theDeadLetterTopicDeletedWhileTheJobRunsFailsTheJobNamingIt(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    String in = topic("events");
    String out = topic("events-out");
    String dead = topic("events-dead");
    KAFKA.createTopics(1, in, out, dead);
    SourcePlan source = jsonSource("events", in, List.of(column("id", "BIGINT", true)), null);
    PipelinePlan plan = plan(KAFKA.bootstrapServers(), List.of(source), "SELECT id FROM events", jsonSink(out),
        dead, DeliveryGuarantee.EXACTLY_ONCE).withRestartStrategy(0, 0);

    try (LocalPipeline run = LocalPipeline.start(cluster, plan, 1, null)) {
      KAFKA.send(in, List.of("{\"id\": 1}", "not json"));
      KAFKA.read(dead, r -> r.size() == 1, Duration.ZERO);
      KAFKA.broker().admin().deleteTopics(List.of(dead)).all().get(30, TimeUnit.SECONDS);
      KAFKA.send(in, List.of("{\"id\": 2}", "still not json", "{\"id\": 3}"));

      String failure = failure(run);
      assertThat(failure).contains(dead);
      List<ConsumerRecord<byte[], byte[]>> written = KAFKA.read(out, r -> true, Duration.ofSeconds(3));
      assertThat(written).as("committed output: nothing after the dead letter that could not be written")
          .extracting(r -> Readings.json(r.value()).get("id").asLong()).doesNotContain(3L);
    }
  }

  private String failure(LocalPipeline run) throws Exception {
    JobResult result = run.awaitResult();
    assertThat(result.isSuccess()).as("the job failed").isFalse();
    return ExceptionUtils.stringifyException(
        result.getSerializedThrowable().orElseThrow().deserializeError(getClass().getClassLoader()));
  }
}
