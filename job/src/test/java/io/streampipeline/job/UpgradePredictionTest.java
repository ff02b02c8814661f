package io.streampipeline.job;

import static io.streampipeline.job.Plans.column;
import static io.streampipeline.job.Plans.jsonSource;
import static io.streampipeline.job.Plans.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streampipeline.job.upgrade.RestoreDryRun;
import io.streampipeline.job.upgrade.UpgradeCompatibility;
import io.streampipeline.job.upgrade.UpgradePrediction;
import io.streampipeline.job.upgrade.UpgradePrediction.Verdict;
import io.streampipeline.kafka.local.CommittedReader;
import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.model.Format;
import io.streampipeline.plan.ColumnPlan;
import io.streampipeline.plan.EventTimePlan;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.PlanCodec;
import io.streampipeline.plan.SinkPlan;
import io.streampipeline.plan.SourcePlan;
import io.streampipeline.plan.StartingOffsets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upgrade predictor against what really happens. Each row of the table is a change of a pipeline; it is
 * predicted, then run: the old version reads the first half of the input and is stopped with a savepoint,
 * the new version is restored from it and reads the second half. Beside it the new version runs from
 * scratch over both halves. The restored job must write what the from-scratch job writes for the second
 * half (the same latest value per key for an upsert result, the same records for an append-only one);
 * "compatible" must mean exactly that. The measured outcome of every row is also asserted, so the README's
 * table, which is copied from it, stays true.
 */
class UpgradePredictionTest {

  private static final Logger LOG = LoggerFactory.getLogger(UpgradePredictionTest.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PARTITIONS = 2;
  private static final int HALF = 120;
  private static final Duration QUIET = Duration.ofMillis(1500);
  private static final int ROWS_AT_A_TIME = 3;

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1)
      .setNumberSlotsPerTaskManager(4 * ROWS_AT_A_TIME)
      .build());

  @RegisterExtension
  static final Kafka KAFKA = new Kafka();

  private static final String COUNT_PER_PAGE = "SELECT page, COUNT(*) AS hits FROM events GROUP BY page";
  private static final String PER_PAGE_AND_10S = "SELECT window_start, window_end, page, COUNT(*) AS hits"
      + " FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, page";
  private static final String ROWS = "SELECT `user`, page FROM events";

  /** What really happened to a row: the restored job's output agreed with a from-scratch run, or not. */
  enum Outcome { AGREE, DIFFER, RESTORE_FAILS }

  record Change(String name, Version from, Version to, Verdict predicted, Outcome outcome) {}

  record Version(String sql, List<ColumnPlan> columns, List<String> key, int parallelism) {
    Version withSql(String newSql) {
      return new Version(newSql, columns, key, parallelism);
    }
  }

  private static final List<ColumnPlan> COLUMNS = List.of(column("user", "STRING", true),
      column("page", "STRING", true), column("amount", "BIGINT", true), column("ts", "TIMESTAMP(3)", true));
  private static final Version COUNTS = new Version(COUNT_PER_PAGE, COLUMNS, List.of("page"), 1);
  private static final Version WINDOWS = new Version(PER_PAGE_AND_10S, COLUMNS, List.of(), 1);
  private static final Version STATELESS = new Version(ROWS, COLUMNS, List.of(), 1);

  static final List<Change> TABLE = List.of(
      new Change("unchanged re-apply", COUNTS, COUNTS, Verdict.COMPATIBLE, Outcome.AGREE),
      new Change("add a filter upstream of an aggregate", COUNTS,
          COUNTS.withSql("SELECT page, COUNT(*) AS hits FROM events WHERE amount > 2 GROUP BY page"),
          Verdict.INCOMPATIBLE, Outcome.DIFFER),
      new Change("add a filter to a query without state", STATELESS,
          STATELESS.withSql(ROWS + " WHERE amount > 2"), Verdict.COMPATIBLE, Outcome.AGREE),
      new Change("add a projected column to a query without state", STATELESS,
          STATELESS.withSql("SELECT `user`, page, amount FROM events"), Verdict.COMPATIBLE, Outcome.AGREE),
      new Change("change the group key to another column of the same type", COUNTS,
          COUNTS.withSql("SELECT `user` AS page, COUNT(*) AS hits FROM events GROUP BY `user`"),
          Verdict.INCOMPATIBLE, Outcome.DIFFER),
      new Change("change a window's size", WINDOWS, WINDOWS.withSql(PER_PAGE_AND_10S.replace("'10'", "'20'")),
          Verdict.INCOMPATIBLE, Outcome.DIFFER),
      new Change("add a second aggregate", COUNTS,
          COUNTS.withSql("SELECT page, COUNT(*) AS hits, SUM(amount) AS total FROM events GROUP BY page"),
          Verdict.INCOMPATIBLE, Outcome.RESTORE_FAILS),
      new Change("change parallelism (1 to 2)", COUNTS,
          new Version(COUNT_PER_PAGE, COLUMNS, List.of("page"), 2), Verdict.COMPATIBLE, Outcome.AGREE),
      new Change("make a source column optional (format option)", COUNTS,
          new Version(COUNT_PER_PAGE, List.of(column("user", "STRING", true), column("page", "STRING", true),
              column("amount", "BIGINT", false), column("ts", "TIMESTAMP(3)", true)), List.of("page"), 1),
          Verdict.INCOMPATIBLE, Outcome.AGREE),
      new Change("rename an output column", COUNTS,
          COUNTS.withSql("SELECT page, COUNT(*) AS page_hits FROM events GROUP BY page"),
          Verdict.COMPATIBLE, Outcome.AGREE),
      new Change("add a projected column after an aggregate", COUNTS,
          COUNTS.withSql("SELECT page, COUNT(*) AS hits, UPPER(page) AS upper_page FROM events GROUP BY page"),
          Verdict.COMPATIBLE, Outcome.AGREE));

  @Test
  void everyPredictedCompatibleChangeRestoresStateThatAgreesWithAFromScratchRun(
      @InjectMiniCluster MiniCluster cluster, @TempDir Path savepoints) throws Exception {
    // A few rows at a time: a row mostly waits for checkpoints and quiet output.
    ExecutorService rows = Executors.newFixedThreadPool(ROWS_AT_A_TIME);
    List<Future<Outcome>> outcomes = new ArrayList<>();
    try {
      for (Change change : TABLE) {
        outcomes.add(rows.submit(() -> run(cluster, savepoints, change)));
      }
      List<String> report = new ArrayList<>();
      List<String> mismatches = new ArrayList<>();
      for (int i = 0; i < TABLE.size(); i++) {
        Change change = TABLE.get(i);
        UpgradePrediction prediction = UpgradeCompatibility.predict(plan(change.from(), "in", "out", "g"),
            change.from().parallelism(), plan(change.to(), "in", "out", "g"), change.to().parallelism());
        Outcome outcome = outcomes.get(i).get();
        report.add(String.format("| %s | %s | %s |", change.name(), prediction.verdict(), outcome));
        LOG.info("{}: predicted {} {}, outcome {}", change.name(), prediction.verdict(), prediction.findings(), outcome);
        if (prediction.verdict() == Verdict.COMPATIBLE && outcome != Outcome.AGREE) {
          mismatches.add(change.name() + ": predicted compatible, but " + outcome);
        }
        if (prediction.verdict() != change.predicted() || outcome != change.outcome()) {
          mismatches.add(change.name() + ": expected " + change.predicted() + "/" + change.outcome() + ", was "
              + prediction.verdict() + "/" + outcome + " " + prediction.findings());
        }
      }
      LOG.info("Upgrade table:\n{}", String.join("\n", report));
      assertThat(mismatches).as(String.join("\n", report)).isEmpty();
    } finally {
      rows.shutdownNow();
    }
  }

  @Test
  void dryRunRestoresCompatibleStateAndNamesTheSerializerThatIsNot(@InjectMiniCluster MiniCluster cluster,
      @TempDir Path savepoints) throws Exception {
    RestoreDryRun dryRun = new RestoreDryRun(cluster, KAFKA.bootstrapServers(), savepoints);
    PipelinePlan counts = plan(COUNTS, "in", "out", "g");
    PipelinePlan twoAggregates = plan(COUNTS.withSql(
        "SELECT page, COUNT(*) AS hits, SUM(amount) AS total FROM events GROUP BY page"), "in", "out", "g");

    assertThat(dryRun.restoreFailure(counts, 1, counts, 2, false)).isEmpty();
    Optional<String> failure = dryRun.restoreFailure(counts, 1, twoAggregates, 1, false);
    assertThat(failure).hasValueSatisfying(message -> assertThat(message).containsIgnoringCase("serializer"));
  }

  /** Runs the change for real and says whether the restored job wrote what a from-scratch job wrote. */
  private static Outcome run(MiniCluster cluster, Path savepoints, Change change) throws Exception {
    String in = topic("upgrade-in");
    String oldOut = topic("upgrade-old");
    String restoredOut = topic("upgrade-restored");
    String scratchOut = topic("upgrade-scratch");
    KAFKA.createTopics(PARTITIONS, in);
    KAFKA.createTopics(1, oldOut, restoredOut, scratchOut);
    PipelinePlan old = plan(change.from(), in, oldOut, topic("old"));
    PipelinePlan restored = plan(change.to(), in, restoredOut, old.consumerGroup());
    PipelinePlan scratch = plan(change.to(), in, scratchOut, topic("scratch"));
    KAFKA.sendRecords(events(in, 0));
    try (LocalPipeline scratchRun = LocalPipeline.start(cluster, scratch, change.to().parallelism(), null)) {
      String savepoint;
      try (LocalPipeline oldRun = LocalPipeline.start(cluster, old, change.from().parallelism(), null)) {
        awaitSettled(in, oldOut, old);
        awaitSettled(in, scratchOut, scratch);
        savepoint = oldRun.stopWithSavepoint(savepoints);
      }
      long split = endOffset(scratchOut);
      LocalPipeline restoredRun = LocalPipeline.restore(cluster, restored, change.to().parallelism(), savepoint, true);
      try (restoredRun) {
        KAFKA.sendRecords(events(in, HALF));
        if (!awaitSettledOrFailed(in, restoredOut, restored, restoredRun)) {
          return Outcome.RESTORE_FAILS;
        }
        awaitSettled(in, scratchOut, scratch);
      }
      List<JsonNode[]> actual = records(restoredOut, 0);
      List<JsonNode[]> expected = records(scratchOut, split);
      boolean agree = change.to().key().isEmpty()
          ? multiset(actual).equals(multiset(expected))
          : latestPerKey(actual).equals(latestPerKey(expected));
      if (!agree) {
        LOG.info("{}: restored wrote {}, from scratch {}", change.name(), text(actual), text(expected));
      }
      return agree ? Outcome.AGREE : Outcome.DIFFER;
    }
  }

  /** Half of the input: 5 pages, 4 users, amounts 0..6, event time one second per record, both partitions. */
  private static List<ProducerRecord<byte[], byte[]>> events(String topic, int first) {
    LocalDateTime start = LocalDateTime.of(2024, 1, 1, 0, 0);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = first; i < first + HALF; i++) {
      String value = JSON.createObjectNode().put("user", "u" + i % 4).put("page", "p" + i % 5).put("amount", i % 7)
          .put("ts", start.plusSeconds(i).toString()).toString();
      records.add(new ProducerRecord<>(topic, i % PARTITIONS, null, Kafka.utf8(value)));
    }
    return records;
  }

  private static PipelinePlan plan(Version version, String in, String out, String group) {
    SourcePlan source = jsonSource("events", in, version.columns(), new EventTimePlan("ts", 1000, 0));
    SourcePlan earliest = new SourcePlan(source.name(), source.topic(), source.format(), source.columns(),
        StartingOffsets.of(StartingOffsets.Mode.EARLIEST), source.eventTime());
    return new PipelinePlan(PlanCodec.CURRENT_VERSION, "test/upgrade", KAFKA.bootstrapServers(), List.of(earliest),
        version.sql(), new SinkPlan(out, Format.JSON, version.key()), null, DeliveryGuarantee.AT_LEAST_ONCE, 200, 0,
        200, group, group, null, null);
  }

  /**
   * Waits until the job's group has committed the end of the input (a checkpoint covers all of it; the
   * at-least-once sink flushed it) and its output has stopped growing (windows closed by the last
   * watermark are written).
   */
  private static void awaitSettled(String in, String out, PipelinePlan plan) {
    awaitConsumed(in, plan, () -> false);
    long[] last = {-1};
    await("output of " + plan.consumerGroup() + " settled").atMost(Duration.ofSeconds(60)).during(QUIET)
        .pollInterval(Duration.ofMillis(100)).until(() -> {
          long end = endOffset(out);
          boolean same = end == last[0];
          last[0] = end;
          return same;
        });
  }

  /** As {@link #awaitSettled}, or false as soon as the job fails (a restore that Flink refuses). */
  private static boolean awaitSettledOrFailed(String in, String out, PipelinePlan plan, LocalPipeline job)
      throws Exception {
    if (!awaitConsumed(in, plan, () -> job.status().isGloballyTerminalState())) {
      LOG.info("{} failed: {}", plan.consumerGroup(), job.awaitResult().getSerializedThrowable()
          .map(t -> t.getFullStringifiedStackTrace()).orElse("?"));
      return false;
    }
    awaitSettled(in, out, plan);
    return true;
  }

  private static boolean awaitConsumed(String in, PipelinePlan plan, java.util.concurrent.Callable<Boolean> failed) {
    boolean[] consumed = {false};
    await("input consumed by " + plan.consumerGroup()).atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(100)).until(() -> {
          consumed[0] = consumed(in, plan.consumerGroup());
          return consumed[0] || failed.call();
        });
    return consumed[0];
  }

  private static boolean consumed(String topic, String group) throws Exception {
    Admin admin = KAFKA.broker().admin();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    for (var end : admin.listOffsets(latest).all().get().entrySet()) {
      OffsetAndMetadata offset = committed.get(end.getKey());
      if (end.getValue().offset() > 0 && (offset == null || offset.offset() < end.getValue().offset())) {
        return false;
      }
    }
    return true;
  }

  private static long endOffset(String topic) throws Exception {
    TopicPartition partition = new TopicPartition(topic, 0);
    return KAFKA.broker().admin().listOffsets(Map.of(partition, OffsetSpec.latest())).all().get().get(partition).offset();
  }

  /** Key and value of every record of the one-partition topic from {@code offset} on, in order. */
  private static List<JsonNode[]> records(String topic, long offset) throws Exception {
    long end = endOffset(topic);
    List<JsonNode[]> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = CommittedReader.open(KAFKA.broker().bootstrapServers(), "upgrade-test", true,
        List.of(topic))) {
      await("records of " + topic).atMost(Duration.ofSeconds(30)).until(() -> {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          if (record.offset() >= offset) {
            records.add(new JsonNode[] {tree(record.key()), tree(record.value())});
          }
        }
        return consumer.assignment().stream().allMatch(p -> consumer.position(p) >= end);
      });
    }
    return records;
  }

  private static JsonNode tree(byte[] bytes) {
    try {
      return bytes == null ? null : JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> latestPerKey(List<JsonNode[]> records) {
    Map<String, String> latest = new TreeMap<>();
    records.forEach(r -> latest.put(String.valueOf(r[0]), String.valueOf(r[1])));
    return latest;
  }

  private static Map<String, Integer> multiset(List<JsonNode[]> records) {
    Map<String, Integer> counts = new TreeMap<>();
    records.forEach(r -> counts.merge(String.valueOf(r[1]), 1, Integer::sum));
    return counts;
  }

  private static List<String> text(List<JsonNode[]> records) {
    return records.stream().map(r -> r[0] + "=" + r[1]).toList();
  }
}
