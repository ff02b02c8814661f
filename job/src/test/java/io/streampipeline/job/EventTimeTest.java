package io.streampipeline.job;

import static io.streampipeline.job.Plans.column;
import static io.streampipeline.job.Plans.jsonSink;
import static io.streampipeline.job.Plans.jsonSource;
import static io.streampipeline.job.Plans.plan;
import static io.streampipeline.job.Plans.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.model.Format;
import io.streampipeline.plan.EventTimePlan;
import io.streampipeline.plan.JobMetrics;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.SourcePlan;
import io.streampipeline.plan.StartingOffsets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event time on multi-partition topics: watermarks per partition, idle partitions, records without event time.
 * Every window's count is compared with counts computed here from the input.
 */
class EventTimeTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1)
      .setNumberSlotsPerTaskManager(2)
      .build());

  private static final Logger LOG = LoggerFactory.getLogger(EventTimeTest.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LocalDateTime BASE = LocalDateTime.of(2024, 5, 1, 10, 0);
  private static final String PAGE_VIEWS_PER_TEN_MINUTES = "SELECT window_start, window_end, page, COUNT(*) AS page_views"
      + " FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' MINUTE))"
      + " GROUP BY window_start, window_end, page";

  @RegisterExtension
  static final Kafka KAFKA = new Kafka();

  @Test
  void aPartitionAnHourBehindMakesNoRecordOfTheOthersLate(@InjectMiniCluster MiniCluster cluster) throws Exception {
    String clicks = topic("clicks");
    String views = topic("views");
    KAFKA.createTopics(3, clicks);
    KAFKA.createTopics(1, views);
    List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
    Windows expected = new Windows(Duration.ofMinutes(10));
    for (int partition = 0; partition < 3; partition++) {
      // Each partition in event-time order over two hours; the producer of partition 2 is an hour behind.
      LocalDateTime start = partition == 2 ? BASE.minusHours(1) : BASE;
      for (int i = 0; i < 240; i++) {
        LocalDateTime ts = start.plusSeconds(30L * i);
        String page = "/p" + (i + partition) % 4;
        input.add(click(clicks, partition, page, ts));
        expected.add(ts, page);
      }
      // Moves this partition's watermark past every window above; its own window stays open.
      input.add(click(clicks, partition, "/flush", BASE.plusHours(3)));
    }
    KAFKA.sendRecords(input);
    PipelinePlan plan = plan(KAFKA.bootstrapServers(), List.of(clicksSource(clicks, 60_000)),
        PAGE_VIEWS_PER_TEN_MINUTES, jsonSink(views), null, DeliveryGuarantee.AT_LEAST_ONCE);

    try (LocalPipeline run = LocalPipeline.start(cluster, plan, 1, null)) {
      assertThat(windows(KAFKA.read(views, r -> r.size() >= expected.size(), Duration.ofSeconds(2))))
          .isEqualTo(expected.counts());
    }
  }

  @Test
  void aQuietPartitionStopsHoldingBackTheWatermarkAfterTheIdleTimeout(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    String clicks = topic("clicks");
    String views = topic("views");
    KAFKA.createTopics(3, clicks);
    KAFKA.createTopics(1, views);
    List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
    Windows expected = new Windows(Duration.ofMinutes(10));
    // Partition 2 has one record at the start, then nothing: without idleness no window would ever close.
    input.add(click(clicks, 2, "/quiet", BASE));
    expected.add(BASE, "/quiet");
    for (int partition = 0; partition < 2; partition++) {
      for (int i = 0; i < 120; i++) {
        LocalDateTime ts = BASE.plusSeconds(30L * i + partition);
        input.add(click(clicks, partition, "/p" + i % 3, ts));
        expected.add(ts, "/p" + i % 3);
      }
    }
    KAFKA.sendRecords(input);
    PipelinePlan plan = plan(KAFKA.bootstrapServers(), List.of(clicksSource(clicks, 1_000)),
        PAGE_VIEWS_PER_TEN_MINUTES, jsonSink(views), null, DeliveryGuarantee.AT_LEAST_ONCE);

    // Partitions 0 and 1 stay busy, in a window that stays open: when every partition is idle, Flink holds
    // the watermark where it was, as it should (nothing says time has passed).
    ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
    traffic.scheduleWithFixedDelay(() -> {
      try {
        KAFKA.sendRecords(List.of(click(clicks, 0, "/live", BASE.plusHours(2)),
            click(clicks, 1, "/live", BASE.plusHours(2))));
      } catch (RuntimeException e) {
        LOG.warn("Live traffic not sent this time", e); // the next round sends again
      }
    }, 0, 300, TimeUnit.MILLISECONDS);
    try (LocalPipeline run = LocalPipeline.start(cluster, plan, 1, null)) {
      assertThat(windows(KAFKA.read(views, r -> r.size() >= expected.size(), Duration.ofSeconds(2))))
          .isEqualTo(expected.counts());
    } finally {
      traffic.shutdownNow();
      traffic.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theKafkaRecordTimestampIsEventTimeWhenNoColumnIsNamed(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    String lines = topic("lines");
    String perMinute = topic("lines-per-minute");
    KAFKA.createTopics(2, lines);
    KAFKA.createTopics(1, perMinute);
    List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
    Windows expected = new Windows(Duration.ofMinutes(1));
    for (int partition = 0; partition < 2; partition++) {
      LocalDateTime start = partition == 1 ? BASE.minusMinutes(30) : BASE;
      for (int i = 0; i < 100; i++) {
        LocalDateTime at = start.plusSeconds(7L * i);
        String word = "w" + i % 5;
        input.add(new ProducerRecord<>(lines, partition, millis(at), null, Kafka.utf8(word)));
        expected.add(at, word);
      }
      input.add(new ProducerRecord<>(lines, partition, millis(BASE.plusHours(1)), null, Kafka.utf8("flush")));
    }
    KAFKA.sendRecords(input);
    SourcePlan source = new SourcePlan("lines", lines, Format.RAW,
        List.of(column(SourcePlan.RAW_COLUMN, "STRING", true)), StartingOffsets.of(StartingOffsets.Mode.EARLIEST),
        new EventTimePlan(null, 0, 60_000));
    PipelinePlan plan = plan(KAFKA.bootstrapServers(), List.of(source),
        "SELECT window_start, window_end, line AS page, COUNT(*) AS page_views"
            + " FROM TABLE(TUMBLE(TABLE lines, DESCRIPTOR(kafka_timestamp), INTERVAL '1' MINUTE))"
            + " GROUP BY window_start, window_end, line",
        jsonSink(perMinute), null, DeliveryGuarantee.AT_LEAST_ONCE);

    try (LocalPipeline run = LocalPipeline.start(cluster, plan, 1, null)) {
      assertThat(windows(KAFKA.read(perMinute, r -> r.size() >= expected.size(), Duration.ofSeconds(2))))
          .isEqualTo(expected.counts());
    }
  }

  @Test
  void recordsWithoutReadableEventTimeGoToTheDeadLetterTopic(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    String clicks = topic("clicks");
    String views = topic("views");
    String dead = topic("clicks-dead");
    KAFKA.createTopics(1, clicks, views, dead);
    Windows expected = new Windows(Duration.ofMinutes(10));
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      LocalDateTime ts = BASE.plusMinutes(i);
      values.add(clickJson("/p" + i % 2, ts).toString());
      expected.add(ts, "/p" + i % 2);
    }
    Map<String, String> unreadable = Map.of(
        "{\"page\": \"/null\", \"ts\": null}", "event time 'ts' is missing or null",
        "{\"page\": \"/missing\"}", "event time 'ts' is missing or null",
        "{\"page\": \"/garbage\", \"ts\": \"yesterday\"}", "field 'ts': expected an ISO-8601 timestamp");
    values.addAll(10, unreadable.keySet());
    values.add(clickJson("/flush", BASE.plusHours(2)).toString());
    KAFKA.send(clicks, values);
    PipelinePlan plan = plan(KAFKA.bootstrapServers(), List.of(clicksSource(clicks, 60_000)),
        PAGE_VIEWS_PER_TEN_MINUTES, jsonSink(views), dead, DeliveryGuarantee.EXACTLY_ONCE);

    try (LocalPipeline run = LocalPipeline.start(cluster, plan, 1, null)) {
      assertThat(windows(KAFKA.read(views, r -> r.size() >= expected.size(), Duration.ofSeconds(1))))
          .isEqualTo(expected.counts());
      Map<String, String> errors = new TreeMap<>();
      for (ConsumerRecord<byte[], byte[]> letter : KAFKA.read(dead, r -> r.size() >= unreadable.size(),
          Duration.ofSeconds(1))) {
        errors.put(Kafka.text(letter.value()), Kafka.header(letter, DeadLetterSerializer.ERROR_HEADER));
      }
      assertThat(errors.keySet()).isEqualTo(unreadable.keySet());
      unreadable.forEach((value, error) -> assertThat(errors.get(value)).as(value).startsWith(error));
    }
  }

  @Test
  void recordsLateForAFiredWindowAreCountedAsLateRecordsDropped(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    String clicks = topic("clicks");
    String perMinute = topic("views-per-minute");
    KAFKA.createTopics(1, clicks, perMinute);
    Windows expected = new Windows(Duration.ofMinutes(1));
    List<LocalDateTime> onTime = List.of(BASE.plusSeconds(5), BASE.plusSeconds(20), BASE.plusSeconds(70));
    onTime.forEach(ts -> expected.add(ts, "/page"));
    List<ProducerRecord<byte[], byte[]>> first = new ArrayList<>();
    onTime.forEach(ts -> first.add(click(clicks, 0, "/page", ts)));
    // The watermark goes to 10:04:59 (1 s delay): the windows up to 10:02 fire, 10:04-10:05 does not yet.
    first.add(click(clicks, 0, "/flush", BASE.plusMinutes(5)));
    expected.add(BASE.plusMinutes(5), "/flush");
    KAFKA.sendRecords(first);
    PipelinePlan plan = plan(KAFKA.bootstrapServers(), List.of(clicksSource(clicks, 60_000)),
        PAGE_VIEWS_PER_TEN_MINUTES.replace("INTERVAL '10' MINUTE", "INTERVAL '1' MINUTE"), jsonSink(perMinute), null,
        DeliveryGuarantee.AT_LEAST_ONCE);

    try (LocalPipeline run = LocalPipeline.start(cluster, plan, 1, null)) {
      KAFKA.readUntil(perMinute, r -> r.size() >= 2);
      // Late: their windows (10:00, 10:01) have fired. Behind the watermark but on time: 10:04:30, whose
      // window has not fired; the query counts it, so it must not count as late.
      KAFKA.sendRecords(List.of(click(clicks, 0, "/page", BASE.plusSeconds(30)),
          click(clicks, 0, "/page", BASE.plusSeconds(90)),
          click(clicks, 0, "/behind", BASE.plusSeconds(270)),
          click(clicks, 0, "/flush", BASE.plusMinutes(10))));
      expected.add(BASE.plusSeconds(270), "/behind");

      assertThat(windows(KAFKA.read(perMinute, r -> r.size() >= expected.size(), Duration.ofSeconds(2))))
          .isEqualTo(expected.counts());
      JobMetrics metrics = new JobMetrics(HttpClient.newHttpClient(), cluster.getRestAddress().get());
      await("lateRecordsDropped").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
          .until(() -> metrics.lateRecordsDropped(run.jobId().toHexString()), n -> n >= 2);
      assertThat(metrics.lateRecordsDropped(run.jobId().toHexString())).isEqualTo(2);
    }
  }

  private static SourcePlan clicksSource(String topic, long idleTimeoutMs) {
    return jsonSource("clicks", topic, List.of(column("page", "STRING", true), column("ts", "TIMESTAMP(3)", false)),
        new EventTimePlan("ts", 1_000, idleTimeoutMs));
  }

  private static ProducerRecord<byte[], byte[]> click(String topic, int partition, String page, LocalDateTime ts) {
    return new ProducerRecord<>(topic, partition, null, Kafka.utf8(clickJson(page, ts).toString()));
  }

  private static ObjectNode clickJson(String page, LocalDateTime ts) {
    return JSON.createObjectNode().put("page", page).put("ts", ts.toString());
  }

  private static long millis(LocalDateTime time) {
    return time.toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  /** The sink's windows as {@code start|end|page -> views}; a window written twice fails the test. */
  private static Map<String, Long> windows(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<String, Long> actual = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      JsonNode row = json(record.value());
      String key = row.get("window_start").asText() + "|" + row.get("window_end").asText() + "|"
          + row.get("page").asText();
      Long previous = actual.put(key, row.get("page_views").asLong());
      assertThat(previous).as("window written twice: %s", row).isNull();
    }
    return actual;
  }

  private static JsonNode json(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Tumbling-window counts computed from the input, keyed as {@link #windows} keys the output. */
  static final class Windows {

    private final long sizeMs;
    private final Map<String, Long> counts = new TreeMap<>();

    Windows(Duration size) {
      this.sizeMs = size.toMillis();
    }

    void add(LocalDateTime ts, String page) {
      long start = millis(ts) / sizeMs * sizeMs;
      counts.merge(iso(start) + "|" + iso(start + sizeMs) + "|" + page, 1L, Long::sum);
    }

    int size() {
      return counts.size();
    }

    Map<String, Long> counts() {
      return counts;
    }

    private static String iso(long millis) {
      return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(LocalDateTime.ofEpochSecond(millis / 1000, 0,
          ZoneOffset.UTC));
    }
  }
}
