package io.streampipeline.job;

import static io.streampipeline.job.Plans.column;
import static io.streampipeline.job.Plans.jsonSink;
import static io.streampipeline.job.Plans.jsonSource;
import static io.streampipeline.job.Plans.plan;
import static io.streampipeline.job.Plans.rawSource;
import static io.streampipeline.job.Plans.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.plan.EventTimePlan;
import io.streampipeline.plan.JobMetrics;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.SourcePlan;
import io.streampipeline.plan.StartingOffsets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The job on a real Flink MiniCluster against a real Kafka broker; outputs are compared record by record. */
class PipelineJobTest {

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setConfiguration(METRICS.addToConfiguration(new Configuration()))
      .setNumberTaskManagers(1)
      .setNumberSlotsPerTaskManager(4)
      .build());

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  @RegisterExtension
  static final Kafka KAFKA = new Kafka();

  @Test
  void wordCountKeepsTheLatestCountOfEveryWordUnderItsKey(@InjectMiniCluster MiniCluster cluster) throws Exception {
    String lines = topic("lines");
    String counts = topic("counts");
    KAFKA.createTopics(2, lines, counts);
    List<String> text = new ArrayList<>(List.of("The quick brown fox", "the lazy dog, the END!", "",
        "Fox & dog: 42 foxes -- 42", "Été été ÉTÉ", "  leading and trailing  "));
    for (int i = 0; i < 200; i++) {
      text.add("line " + (i % 7) + " of the fox");
    }
    KAFKA.send(lines, text);
    PipelinePlan plan = plan(KAFKA.bootstrapServers(), List.of(rawSource("lines", lines)),
        "SELECT word, COUNT(*) AS cnt FROM lines, LATERAL TABLE(SPLIT_WORDS(line)) AS T(word) GROUP BY word",
        jsonSink(counts, "word"), null, DeliveryGuarantee.EXACTLY_ONCE);
    Map<String, Long> expected = countWords(text);

    try (LocalPipeline run = LocalPipeline.start(cluster, plan, 2, null)) {
      KAFKA.readUntil(counts, records -> latestCounts(records).equals(expected));
    }
  }

  @Test
  void jsonFilterAndProjectionWritesTypedJson(@InjectMiniCluster MiniCluster cluster) throws Exception {
    String orders = topic("orders");
    String big = topic("big-orders");
    KAFKA.createTopics(2, orders, big);
    List<String> input = new ArrayList<>();
    List<JsonNode> expected = new ArrayList<>();
    LocalDateTime start = LocalDateTime.of(2024, 5, 1, 10, 0);
    for (int id = 0; id < 300; id++) {
      BigDecimal amount = new BigDecimal(id * 7 % 50 + ".25");
      boolean paid = id % 3 != 0;
      String name = id % 10 == 0 ? null : "customer " + id;
      LocalDateTime at = start.plusSeconds(id).plusNanos(id * 1_000_000L);
      ObjectNode order = JSON.createObjectNode().put("id", id).put("amount", amount).put("paid", paid)
          .put("paid_at", at.toString());
      if (name != null) {
        order.put("name", name);
      }
      input.add(order.toString());
      if (paid && amount.compareTo(BigDecimal.TEN) > 0) {
        ObjectNode out = JSON.createObjectNode().put("id", id);
        if (name == null) {
          out.putNull("customer");
        } else {
          out.put("customer", name.toUpperCase(Locale.ROOT));
        }
        out.put("doubled", amount.multiply(BigDecimal.valueOf(2)));
        out.put("paid_at", DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(at));
        expected.add(out);
      }
    }
    KAFKA.send(orders, input);
    SourcePlan source = jsonSource("orders", orders, List.of(column("id", "BIGINT", true),
        column("name", "STRING", false), column("amount", "DECIMAL(10, 2)", true), column("paid", "BOOLEAN", true),
        column("paid_at", "TIMESTAMP(3)", true)), null);
    PipelinePlan plan = plan(KAFKA.bootstrapServers(), List.of(source),
        "SELECT id, UPPER(name) AS customer, amount * 2 AS doubled, paid_at FROM orders WHERE paid AND amount > 10",
        jsonSink(big), null, DeliveryGuarantee.EXACTLY_ONCE);

    try (LocalPipeline run = LocalPipeline.start(cluster, plan, 2, null)) {
      List<JsonNode> actual = values(KAFKA.read(big, r -> r.size() >= expected.size(), Duration.ofSeconds(2)));
      assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void eventTimeTumblingWindowCountsEachWindow(@InjectMiniCluster MiniCluster cluster) throws Exception {
    String clicks = topic("clicks");
    String perWindow = topic("clicks-per-window");
    KAFKA.createTopics(1, clicks, perWindow);
    LocalDateTime base = LocalDateTime.of(2024, 1, 1, 0, 0);
    List<String> input = new ArrayList<>();
    Map<List<String>, Long> expected = new TreeMap<>(Comparator.LIST);
    for (int i = 0; i < 400; i++) {
      // Mostly ascending times with some up to 900 ms out of order; the watermark trails by one second.
      long millis = i * 150L - (i % 4 == 3 ? 900 : 0);
      LocalDateTime ts = base.plusNanos(Math.max(0, millis) * 1_000_000L);
      String person = "p" + (i % 3);
      input.add(JSON.createObjectNode().put("person", person).put("ts", ts.toString()).toString());
      LocalDateTime windowStart = base.plusSeconds(Math.max(0, millis) / 10_000 * 10);
      expected.merge(List.of(iso(windowStart), iso(windowStart.plusSeconds(10)), person), 1L, Long::sum);
    }
    // Moves the watermark past every window above; its own window stays open and is not expected.
    input.add(JSON.createObjectNode().put("person", "p0").put("ts", base.plusSeconds(300).toString()).toString());
    KAFKA.send(clicks, input);
    SourcePlan source = jsonSource("clicks", clicks, List.of(column("person", "STRING", true),
        column("ts", "TIMESTAMP(3)", true)), new EventTimePlan("ts", 1000, 0));
    PipelinePlan plan = plan(KAFKA.bootstrapServers(), List.of(source),
        "SELECT window_start, window_end, person, COUNT(*) AS cnt"
            + " FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND))"
            + " GROUP BY window_start, window_end, person",
        jsonSink(perWindow), null, DeliveryGuarantee.AT_LEAST_ONCE);

    try (LocalPipeline run = LocalPipeline.start(cluster, plan, 1, null)) {
      List<JsonNode> rows = values(KAFKA.read(perWindow, r -> r.size() >= expected.size(), Duration.ofSeconds(2)));
      Map<List<String>, Long> actual = new TreeMap<>(Comparator.LIST);
      for (JsonNode row : rows) {
        Long previous = actual.put(List.of(row.get("window_start").asText(), row.get("window_end").asText(),
            row.get("person").asText()), row.get("cnt").asLong());
        assertThat(previous).as("window written twice: %s", row).isNull();
      }
      assertThat(actual).isEqualTo(expected);
    }
  }

  @Test
  void unreadableRecordsGoToTheDeadLetterTopicWhileGoodOnesFlow(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    String in = topic("events");
    String out = topic("events-out");
    String dead = topic("events-dead");
    KAFKA.createTopics(1, in, out, dead);
    List<String> values = List.of(
        "{\"id\": 1, \"name\": \"one\"}",
        "this is not json",
        "{\"name\": \"no id\"}",
        "{\"id\": 2}",
        "{\"id\": \"three\", \"name\": \"wrong type\"}",
        "[1, 2, 3]",
        "{\"id\": 4, \"name\": \"four\", \"extra\": true}");
    Map<Integer, String> errors = Map.of(
        1, "the value is not JSON",
        2, "required field 'id' is missing",
        4, "field 'id': expected a BIGINT, got \"three\"",
        5, "the value is not a JSON object");
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      RecordHeaders headers = new RecordHeaders();
      headers.add("trace", Kafka.utf8("trace-" + i));
      records.add(new ProducerRecord<>(in, 0, Kafka.utf8("key-" + i), Kafka.utf8(values.get(i)), headers));
    }
    KAFKA.sendRecords(records);
    SourcePlan source = jsonSource("events", in, List.of(column("id", "BIGINT", true),
        column("name", "STRING", false)), null);
    PipelinePlan plan = plan(KAFKA.bootstrapServers(), List.of(source), "SELECT id, name FROM events",
        jsonSink(out), dead, DeliveryGuarantee.EXACTLY_ONCE);

    try (LocalPipeline run = LocalPipeline.start(cluster, plan, 1, null)) {
      List<JsonNode> good = values(KAFKA.read(out, r -> r.size() >= 3, Duration.ofSeconds(1)));
      assertThat(good).containsExactlyInAnyOrder(
          JSON.readTree("{\"id\": 1, \"name\": \"one\"}"),
          JSON.readTree("{\"id\": 2, \"name\": null}"),
          JSON.readTree("{\"id\": 4, \"name\": \"four\"}"));

      List<ConsumerRecord<byte[], byte[]>> letters = KAFKA.read(dead, r -> r.size() >= errors.size(),
          Duration.ofSeconds(1));
      Map<Integer, String> actualErrors = new TreeMap<>();
      for (ConsumerRecord<byte[], byte[]> letter : letters) {
        int offset = Integer.parseInt(Kafka.header(letter, DeadLetterSerializer.SOURCE_OFFSET_HEADER));
        assertThat(Kafka.text(letter.key())).isEqualTo("key-" + offset);
        assertThat(Kafka.text(letter.value())).isEqualTo(values.get(offset));
        assertThat(Kafka.header(letter, "trace")).isEqualTo("trace-" + offset);
        assertThat(Kafka.header(letter, DeadLetterSerializer.SOURCE_TOPIC_HEADER)).isEqualTo(in);
        assertThat(Kafka.header(letter, DeadLetterSerializer.SOURCE_PARTITION_HEADER)).isEqualTo("0");
        actualErrors.put(offset, Kafka.header(letter, DeadLetterSerializer.ERROR_HEADER));
      }
      assertThat(actualErrors.keySet()).isEqualTo(errors.keySet());
      errors.forEach((offset, error) -> assertThat(actualErrors.get(offset)).startsWith(error));

      await("the source's and the sink's counters").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(count(run, "source.events." + JobMetrics.RECORDS_IN)).as("records in").isEqualTo(values.size());
        assertThat(count(run, "source.events." + DeadLetterSplit.DEAD_LETTERED_METRIC)).as("dead-lettered")
            .isEqualTo(errors.size());
        assertThat(count(run, "sink." + out + "." + JobMetrics.RECORDS_OUT)).as("records out").isEqualTo(good.size());
      });
    }
  }

  /** The sum over subtasks of the job's counter whose identifier ends with {@code name}. */
  private static long count(LocalPipeline run, String name) {
    return METRICS.findMetrics(run.jobId(), name).entrySet().stream()
        .filter(metric -> metric.getKey().endsWith("." + name))
        .mapToLong(metric -> ((Counter) metric.getValue()).getCount()).sum();
  }

  @Test
  void unreadableRecordWithoutDeadLetterTopicFailsTheJob(@InjectMiniCluster MiniCluster cluster) throws Exception {
    String in = topic("strict");
    String out = topic("strict-out");
    KAFKA.createTopics(1, in, out);
    KAFKA.send(in, List.of("{\"id\": 1}", "{\"id\": oops}"));
    SourcePlan source = jsonSource("strict", in, List.of(column("id", "BIGINT", true)), null);
    PipelinePlan base = plan(KAFKA.bootstrapServers(), List.of(source), "SELECT id FROM strict", jsonSink(out),
        null, DeliveryGuarantee.AT_LEAST_ONCE);
    PipelinePlan plan = new PipelinePlan(base.version(), base.pipeline(), base.bootstrapServers(), base.sources(),
        base.sql(), base.sink(), null, base.delivery(), base.checkpointIntervalMs(), 0, 0,
        base.consumerGroup(), base.transactionalIdPrefix(), base.state(), null);

    try (LocalPipeline run = LocalPipeline.start(cluster, plan, 1, null)) {
      JobResult result = run.awaitResult();
      assertThat(result.isSuccess()).isFalse();
      String failure = ExceptionUtils.stringifyException(
          result.getSerializedThrowable().orElseThrow().deserializeError(getClass().getClassLoader()));
      assertThat(failure).contains("cannot read record " + in + "/0@1 of source 'strict': the value is not JSON")
          .contains("the pipeline has no dead-letter topic");
    }
  }

  @Test
  void stopWithSavepointAndResumeContinuesWithoutLossOrDuplicates(@InjectMiniCluster MiniCluster cluster,
      @TempDir Path savepoints) throws Exception {
    String in = topic("payments");
    String out = topic("payments-out");
    KAFKA.createTopics(2, in, out);
    // Earliest, not committed offsets: a resumed job that ignored its savepoint would read everything again.
    SourcePlan source = new SourcePlan("payments", in, io.streampipeline.model.Format.JSON,
        List.of(column("id", "BIGINT", true), column("cents", "INT", true)),
        StartingOffsets.of(StartingOffsets.Mode.EARLIEST), null);
    PipelinePlan plan = plan(KAFKA.bootstrapServers(), List.of(source),
        "SELECT id, cents / 100.0 AS euros FROM payments", jsonSink(out, "id"), null, DeliveryGuarantee.EXACTLY_ONCE);

    KAFKA.send(in, payments(0, 500));
    String savepoint;
    try (LocalPipeline first = LocalPipeline.start(cluster, plan, 2, null)) {
      KAFKA.readUntil(out, r -> r.size() >= 500);
      savepoint = first.stopWithSavepoint(savepoints);
    }
    KAFKA.send(in, payments(500, 1000));
    try (LocalPipeline resumed = LocalPipeline.start(cluster, plan, 2, savepoint)) {
      List<ConsumerRecord<byte[], byte[]>> records = KAFKA.read(out, r -> r.size() >= 1000, Duration.ofSeconds(3));
      List<Long> ids = values(records).stream().map(v -> v.get("id").asLong()).sorted().toList();
      assertThat(ids).isEqualTo(IntStream.range(0, 1000).mapToObj(Long::valueOf).toList());
      for (ConsumerRecord<byte[], byte[]> record : records) {
        JsonNode value = json(record.value());
        long id = value.get("id").asLong();
        assertThat(json(record.key())).isEqualTo(JSON.createObjectNode().put("id", (int) id));
        assertThat(value.get("euros").decimalValue()).isEqualByComparingTo(BigDecimal.valueOf(id * 3, 2));
      }
    }
  }

  private static List<String> payments(int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(id -> JSON.createObjectNode().put("id", id).put("cents", id * 3).toString()).toList();
  }

  /** Counts words the way SPLIT_WORDS is documented, written independently of it. */
  static Map<String, Long> countWords(List<String> lines) {
    Map<String, Long> counts = new HashMap<>();
    for (String line : lines) {
      StringBuilder word = new StringBuilder();
      for (int i = 0; i <= line.length(); i++) {
        char c = i < line.length() ? line.charAt(i) : ' ';
        if (Character.isLetterOrDigit(c)) {
          word.append(Character.toLowerCase(c));
        } else if (word.length() > 0) {
          counts.merge(word.toString(), 1L, Long::sum);
          word.setLength(0);
        }
      }
    }
    return counts;
  }

  /** The upsert stream's table: for each key the value last written, keys whose last record is a tombstone removed. */
  static Map<String, Long> latestCounts(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<String, Long> latest = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      String word = json(record.key()).get("word").asText();
      if (record.value() == null) {
        latest.remove(word);
      } else {
        JsonNode value = json(record.value());
        assertThat(value.get("word").asText()).isEqualTo(word);
        latest.put(word, value.get("cnt").asLong());
      }
    }
    return latest;
  }

  private static List<JsonNode> values(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().map(r -> json(r.value())).toList();
  }

  private static JsonNode json(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String iso(LocalDateTime time) {
    return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(time);
  }

  /** Orders list keys element by element, for readable failure messages of the window test. */
  private enum Comparator implements java.util.Comparator<List<String>> {
    LIST;

    @Override
    public int compare(List<String> a, List<String> b) {
      return String.join("|", a).compareTo(String.join("|", b));
    }
  }
}
