package io.streampipeline.job;

import static io.streampipeline.job.Plans.jsonSink;
import static io.streampipeline.job.Plans.rawSource;
import static io.streampipeline.job.Plans.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.StatePlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** State backends and state TTL, seen in the output: counts carried over a savepoint, counts that restart. */
class StateTest {

  private static final InMemoryReporter METRICS = InMemoryReporter.create();
  /** A RocksDB-only metric: its presence shows the job's state is in RocksDB. */
  private static final String ROCKSDB_METRIC = "rocksdb.estimate-num-keys";

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setConfiguration(METRICS.addToConfiguration(
          Configuration.fromMap(Map.of("state.backend.rocksdb.metrics.estimate-num-keys", "true"))))
      .setNumberTaskManagers(1)
      .setNumberSlotsPerTaskManager(2)
      .build());

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WORD_COUNT =
      "SELECT word, COUNT(*) AS cnt FROM lines, LATERAL TABLE(SPLIT_WORDS(line)) AS T(word) GROUP BY word";

  @RegisterExtension
  static final Kafka KAFKA = new Kafka();

  @Test
  void wordCountOnRocksDbResumesFromASavepointWithItsCounts(@InjectMiniCluster MiniCluster cluster,
      @TempDir Path savepoints) throws Exception {
    String lines = topic("lines");
    String counts = topic("counts");
    KAFKA.createTopics(2, lines, counts);
    PipelinePlan plan = plan(lines, counts, null);
    List<String> before = IntStream.range(0, 300).mapToObj(i -> "w" + i % 17 + " x" + i % 5).toList();
    List<String> after = IntStream.range(0, 200).mapToObj(i -> "w" + i % 13 + " y" + i % 3).toList();

    KAFKA.send(lines, before);
    String savepoint;
    try (LocalPipeline first = LocalPipeline.start(cluster, plan, 2, null)) {
      KAFKA.readUntil(counts, records -> latest(records).equals(wordCounts(before)));
      await("RocksDB metrics").atMost(Duration.ofSeconds(60))
          .until(() -> !METRICS.findMetrics(first.jobId(), ROCKSDB_METRIC).isEmpty());
      savepoint = first.stopWithSavepoint(savepoints);
    }
    KAFKA.send(lines, after);
    List<String> all = new ArrayList<>(before);
    all.addAll(after);
    try (LocalPipeline resumed = LocalPipeline.start(cluster, plan, 2, savepoint)) {
      List<ConsumerRecord<byte[], byte[]>> records = KAFKA.readUntil(counts,
          r -> latest(r).equals(wordCounts(all)));
      // Every update of a word is its previous count plus one: a count restarted from zero would show.
      Map<String, List<Long>> updates = updates(records);
      updates.forEach((word, values) -> assertThat(values).as(word)
          .isEqualTo(IntStream.rangeClosed(1, values.size()).mapToObj(Long::valueOf).toList()));
    }
  }

  @Test
  void aStateTtlForgetsWordsNotSeenForLongerThanIt(@InjectMiniCluster MiniCluster cluster) throws Exception {
    String lines = topic("lines");
    String counts = topic("counts");
    KAFKA.createTopics(1, lines, counts);
    Duration ttl = Duration.ofSeconds(2);
    PipelinePlan plan = plan(lines, counts, new StatePlan(null, ttl.toMillis()));

    KAFKA.send(lines, List.of("idle busy"));
    try (LocalPipeline run = LocalPipeline.start(cluster, plan, 1, null)) {
      KAFKA.readUntil(counts, r -> latest(r).equals(Map.of("idle", 1L, "busy", 1L)));
      long counted = System.nanoTime();
      await("the TTL to pass").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .until(() -> Duration.ofNanos(System.nanoTime() - counted).compareTo(ttl.multipliedBy(2)) > 0);
      // Both words were last updated more than the TTL ago: their counts start over. The second "busy"
      // comes right after the first, within the TTL, and is added to it.
      KAFKA.send(lines, List.of("idle busy", "busy"));
      Map<String, List<Long>> updates = updates(KAFKA.read(counts,
          r -> updates(r).values().stream().mapToInt(List::size).sum() >= 5, Duration.ofSeconds(1)));
      assertThat(updates).isEqualTo(Map.of("idle", List.of(1L, 1L), "busy", List.of(1L, 1L, 2L)));
    }
  }

  private static PipelinePlan plan(String lines, String counts, StatePlan state) {
    PipelinePlan base = Plans.plan(KAFKA.bootstrapServers(), List.of(rawSource("lines", lines)), WORD_COUNT,
        jsonSink(counts, "word"), null, DeliveryGuarantee.EXACTLY_ONCE);
    return new PipelinePlan(base.version(), base.pipeline(), base.bootstrapServers(), base.sources(), base.sql(),
        base.sink(), base.deadLetterTopic(), base.delivery(), base.checkpointIntervalMs(), base.restartAttempts(),
        base.restartDelayMs(), base.consumerGroup(), base.transactionalIdPrefix(), state, null);
  }

  /** The words of these lines as SPLIT_WORDS finds them here: separated by spaces, already lower case. */
  private static Map<String, Long> wordCounts(List<String> text) {
    Map<String, Long> counts = new TreeMap<>();
    text.forEach(line -> List.of(line.split(" ")).forEach(word -> counts.merge(word, 1L, Long::sum)));
    return counts;
  }

  private static Map<String, List<Long>> updates(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<String, List<Long>> updates = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      JsonNode value = json(record.value());
      updates.computeIfAbsent(value.get("word").asText(), w -> new ArrayList<>()).add(value.get("cnt").asLong());
    }
    return updates;
  }

  private static Map<String, Long> latest(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<String, Long> latest = new TreeMap<>();
    updates(records).forEach((word, values) -> latest.put(word, values.get(values.size() - 1)));
    return latest;
  }

  private static JsonNode json(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
