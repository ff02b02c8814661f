package io.streampipeline.job;

import static io.streampipeline.job.Plans.column;
import static io.streampipeline.job.Plans.jsonSink;
import static io.streampipeline.job.Plans.jsonSource;
import static io.streampipeline.job.Plans.plan;
import static io.streampipeline.job.Plans.topic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.SourcePlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A TaskManager dies while the job is writing; the job restarts from its last checkpoint on a new one. Each
 * test has its own MiniCluster, since the failure changes the cluster.
 */
class FailureRecoveryTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RECORDS = 4000;

  @RegisterExtension
  static final Kafka KAFKA = new Kafka();

  @Test
  void exactlyOnceWritesEveryRecordOnceAcrossATaskManagerFailure() throws Exception {
    Map<Long, Long> written = runThroughFailure(DeliveryGuarantee.EXACTLY_ONCE);
    assertThat(written.keySet()).containsExactlyInAnyOrderElementsOf(expectedIds());
    assertThat(written).allSatisfy((id, times) -> assertThat(times).as("copies of id %d", id).isEqualTo(1L));
  }

  @Test
  void atLeastOnceLosesNothingAcrossATaskManagerFailure() throws Exception {
    Map<Long, Long> written = runThroughFailure(DeliveryGuarantee.AT_LEAST_ONCE);
    assertThat(written.keySet()).containsExactlyInAnyOrderElementsOf(expectedIds());
  }

  /** How many times each id was written to the sink, checking that each record's content is right. */
  private Map<Long, Long> runThroughFailure(DeliveryGuarantee delivery) throws Exception {
    String in = topic("readings");
    String out = topic("readings-out");
    KAFKA.createTopics(2, in, out);
    SourcePlan source = jsonSource("readings", in, List.of(column("id", "BIGINT", true),
        column("celsius", "DOUBLE", true)), null);
    PipelinePlan plan = plan(KAFKA.bootstrapServers(), List.of(source),
        "SELECT id, celsius * 9 / 5 + 32 AS fahrenheit FROM readings", jsonSink(out), null, delivery);

    KAFKA.send(in, readings(0, RECORDS / 2));
    Configuration config = new Configuration();
    // Any free port: a fixed 8081 collides with another MiniCluster on the same machine.
    config.set(RestOptions.BIND_PORT, "0");
    try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
        .setConfiguration(config).setNumTaskManagers(1).setNumSlotsPerTaskManager(2).build())) {
      cluster.start();
      try (LocalPipeline run = LocalPipeline.start(cluster, plan, 2, null)) {
        KAFKA.readUntil(out, records -> records.size() >= 200);
        cluster.terminateTaskManager(0).get();
        cluster.startTaskManager();
        KAFKA.send(in, readings(RECORDS / 2, RECORDS));

        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.read(out,
            r -> r.stream().map(this::id).distinct().count() >= RECORDS, Duration.ofSeconds(3));
        assertThat(cluster.getExecutionGraph(run.jobId()).get().getStatusTimestamp(JobStatus.RESTARTING))
            .as("the job restarted").isPositive();
        for (ConsumerRecord<byte[], byte[]> record : records) {
          JsonNode value = json(record.value());
          assertThat(value.get("fahrenheit").asDouble())
              .isCloseTo(celsius(value.get("id").asLong()) * 9 / 5 + 32, org.assertj.core.data.Offset.offset(1e-9));
        }
        return records.stream().collect(Collectors.groupingBy(this::id, Collectors.counting()));
      }
    }
  }

  private long id(ConsumerRecord<byte[], byte[]> record) {
    return json(record.value()).get("id").asLong();
  }

  private static List<Long> expectedIds() {
    return IntStream.range(0, RECORDS).mapToObj(Long::valueOf).toList();
  }

  private static double celsius(long id) {
    return (id % 400) / 10.0 - 10;
  }

  private static List<String> readings(int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(id -> JSON.createObjectNode().put("id", id).put("celsius", celsius(id)).toString())
        .collect(Collectors.toList());
  }

  private static JsonNode json(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
