package io.streampipeline.job;

import static io.streampipeline.job.Kafka.text;
import static io.streampipeline.job.Plans.column;
import static io.streampipeline.job.Plans.fanOut;
import static io.streampipeline.job.Plans.jsonSink;
import static io.streampipeline.job.Plans.jsonSource;
import static io.streampipeline.job.Plans.namedJsonSink;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A TaskManager dies while the job is writing; the job restarts from its last checkpoint on a new one. Each
 * test has its own MiniCluster, since the failure changes the cluster. The output of each sink is read with
 * read_committed.
 */
class FailureRecoveryTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RECORDS = 4000;

  @RegisterExtension
  static final Kafka KAFKA = new Kafka();

  @Test
  void exactlyOnceWritesEveryRecordOnceAcrossATaskManagerFailure() throws Exception {
    Map<Long, Long> written = copiesById(runThroughFailure(DeliveryGuarantee.EXACTLY_ONCE));
    assertThat(written.keySet()).containsExactlyInAnyOrderElementsOf(expectedIds());
    assertThat(written).allSatisfy((id, times) -> assertThat(times).as("copies of id %d", id).isEqualTo(1L));
  }

  @Test
  void atLeastOnceLosesNothingAcrossATaskManagerFailure() throws Exception {
    Map<Long, Long> written = copiesById(runThroughFailure(DeliveryGuarantee.AT_LEAST_ONCE));
    assertThat(written.keySet()).containsExactlyInAnyOrderElementsOf(expectedIds());
  }

  /**
   * One job, two sinks (one statement set): each sink, read with read_committed, holds each of its records
   * exactly once, record for record what its statement computes, although the TaskManager died between
   * checkpoints with both sinks' transactions open.
   */
  @Test
  void fanOutToTwoSinksWritesEveryRecordOnceToEachAcrossATaskManagerFailure() throws Exception {
    String in = topic("readings");
    String fahrenheit = topic("fahrenheit");
    String freezing = topic("freezing");
    KAFKA.createTopics(2, in, fahrenheit, freezing);
    PipelinePlan plan = fanOut(plan(KAFKA.bootstrapServers(), List.of(readingsSource(in)), """
        INSERT INTO fahrenheit SELECT id, celsius * 9 / 5 + 32 AS fahrenheit FROM readings;
        -- a second statement over the same source: the source is read once, for both
        INSERT INTO freezing SELECT id, celsius FROM readings WHERE celsius < 0;""", null, null,
        DeliveryGuarantee.EXACTLY_ONCE), namedJsonSink("fahrenheit", fahrenheit), namedJsonSink("freezing", freezing));
    List<Long> freezingIds = expectedIds().stream().filter(id -> celsius(id) < 0).toList();

    Map<String, List<ConsumerRecord<byte[], byte[]>>> written = runThroughFailure(plan, in,
        Map.of(fahrenheit, RECORDS, freezing, freezingIds.size()));

    assertThat(written.get(fahrenheit)).extracting(this::id).containsExactlyInAnyOrderElementsOf(expectedIds());
    assertThat(written.get(fahrenheit)).allSatisfy(r -> assertThat(json(r.value()).get("fahrenheit").asDouble())
        .isCloseTo(celsius(id(r)) * 9 / 5 + 32, org.assertj.core.data.Offset.offset(1e-9)));
    assertThat(written.get(freezing)).extracting(r -> text(r.value()))
        .containsExactlyInAnyOrderElementsOf(freezingIds.stream()
            .map(id -> JSON.createObjectNode().put("id", id).put("celsius", celsius(id)).toString()).toList());
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
      Set<String> prefixes = admin.listTransactions().all().get().stream().map(TransactionListing::transactionalId)
          .filter(id -> id.startsWith(plan.transactionalIdPrefix()))
          .map(id -> id.substring(0, id.indexOf('-', plan.transactionalIdPrefix().length()))).collect(Collectors.toSet());
      assertThat(prefixes).as("each sink's own transactional ids")
          .containsExactlyInAnyOrder(plan.transactionalIdPrefix() + ".sink.fahrenheit",
              plan.transactionalIdPrefix() + ".sink.freezing");
    }
  }

  /** What the single sink of a Celsius-to-Fahrenheit pipeline holds after a TaskManager failure. */
  private List<ConsumerRecord<byte[], byte[]>> runThroughFailure(DeliveryGuarantee delivery) throws Exception {
    String in = topic("readings");
    String out = topic("readings-out");
    KAFKA.createTopics(2, in, out);
    PipelinePlan plan = plan(KAFKA.bootstrapServers(), List.of(readingsSource(in)),
        "SELECT id, celsius * 9 / 5 + 32 AS fahrenheit FROM readings", jsonSink(out), null, delivery);
    List<ConsumerRecord<byte[], byte[]>> records = runThroughFailure(plan, in, Map.of(out, RECORDS)).get(out);
    assertThat(records).allSatisfy(r -> assertThat(json(r.value()).get("fahrenheit").asDouble())
        .isCloseTo(celsius(id(r)) * 9 / 5 + 32, org.assertj.core.data.Offset.offset(1e-9)));
    return records;
  }

  /**
   * Runs the plan over the readings, killing the TaskManager once output flows, and returns what each output
   * topic holds once it has {@code distinctIds} distinct ids.
   */
  private Map<String, List<ConsumerRecord<byte[], byte[]>>> runThroughFailure(PipelinePlan plan, String in,
      Map<String, Integer> distinctIds) throws Exception {
    KAFKA.send(in, readings(0, RECORDS / 2));
    Configuration config = new Configuration();
    // Any free port: a fixed 8081 collides with another MiniCluster on the same machine.
    config.set(RestOptions.BIND_PORT, "0");
    try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
        .setConfiguration(config).setNumTaskManagers(1).setNumSlotsPerTaskManager(2).build())) {
      cluster.start();
      try (LocalPipeline run = LocalPipeline.start(cluster, plan, 2, null)) {
        KAFKA.readUntil(distinctIds.keySet().iterator().next(), records -> records.size() >= 200);
        cluster.terminateTaskManager(0).get();
        cluster.startTaskManager();
        KAFKA.send(in, readings(RECORDS / 2, RECORDS));

        Map<String, List<ConsumerRecord<byte[], byte[]>>> written = new HashMap<>();
        for (Map.Entry<String, Integer> out : distinctIds.entrySet()) {
          written.put(out.getKey(), KAFKA.read(out.getKey(),
              r -> r.stream().map(this::id).distinct().count() >= out.getValue(), Duration.ofSeconds(3)));
        }
        assertThat(cluster.getExecutionGraph(run.jobId()).get().getStatusTimestamp(JobStatus.RESTARTING))
            .as("the job restarted").isPositive();
        return written;
      }
    }
  }

  private static SourcePlan readingsSource(String topic) {
    return jsonSource("readings", topic, List.of(column("id", "BIGINT", true), column("celsius", "DOUBLE", true)),
        null);
  }

  private Map<Long, Long> copiesById(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().collect(Collectors.groupingBy(this::id, Collectors.counting()));
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
