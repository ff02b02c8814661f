package io.streampipeline.job;

import static io.streampipeline.job.Plans.column;
import static io.streampipeline.job.Plans.jsonSink;
import static io.streampipeline.job.Plans.jsonSource;
import static io.streampipeline.job.Plans.plan;
import static io.streampipeline.job.Plans.topic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.SourcePlan;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalogue of bad records a JSON source meets in production, each sent to a running job: each goes to the
 * dead-letter topic with its reason (compared record by record), good records around them reach the sink, and the
 * job keeps running. Values at the size limits: the dead-letter topic takes a copy of a record up to
 * {@link KafkaSinks#MAX_RECORD_BYTES}; above, the dead letter leaves the value out and says so.
 */
class BadRecordsTest {

  private static final Logger LOG = LoggerFactory.getLogger(BadRecordsTest.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DEEP = 10_000;
  /** A value whose dead letter (value plus headers) still fits the dead-letter topic. */
  private static final int KEPT_VALUE_BYTES = 1_000_000;
  /** A value the source topic accepts whose dead letter would not fit: value and headers exceed the limit. */
  private static final int OMITTED_VALUE_BYTES = KafkaSinks.MAX_RECORD_BYTES - 150;

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

  @RegisterExtension
  static final Kafka KAFKA = new Kafka();

  /** One bad record: its key, value and headers, and the start of the error its dead letter must carry. */
  private record Bad(String name, byte[] key, byte[] value, boolean headers, String error) {}

  @Test
  void everyBadRecordGoesToTheDeadLetterTopicWithItsReasonAndTheJobGoesOn(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    String in = topic("catalogue");
    String out = topic("catalogue-out");
    String dead = topic("catalogue-dead");
    KAFKA.createTopics(1, in, out, dead);

    List<Bad> bad = List.of(
        new Bad("invalid UTF-8 in a column", key(0), bytes("{\"id\": 0, \"name\": \"", new byte[] {(byte) 0xff,
            (byte) 0xfe}, "\"}"), false, "the value is not JSON: Invalid UTF-8"),
        new Bad("invalid UTF-8 in a field no column reads", key(1), bytes("{\"id\": 1, \"other\": \"",
            new byte[] {(byte) 0xc3, (byte) 0x28}, "\"}"), false, "the value is not JSON: Invalid UTF-8"),
        new Bad("tombstone", key(2), null, false, "the record has no value"),
        new Bad("header-only record", null, null, true, "the record has no value"),
        new Bad("empty value", key(4), new byte[0], false, "the value is not a JSON object"),
        new Bad(DEEP + "-level nesting", key(5), utf8("{\"id\": 5, \"deep\": " + "{\"a\": ".repeat(DEEP) + "1"
            + "}".repeat(DEEP) + "}"), false, "the value is not JSON: Document nesting depth (1001) exceeds"),
        new Bad(DEEP + "-level array nesting in a column", key(6), utf8("{\"id\": 6, \"name\": " + "[".repeat(DEEP)
            + "]".repeat(DEEP) + "}"), false, "field 'name': expected a string, got an array"),
        new Bad("BIGINT out of range", key(7), utf8("{\"id\": 9223372036854775808}"), false,
            "field 'id': expected a BIGINT, got 9223372036854775808"),
        new Bad("INT out of range", key(8), utf8("{\"id\": 8, \"n\": 2147483648}"), false,
            "field 'n': expected an INT, got 2147483648"),
        new Bad("DOUBLE out of range", key(9), utf8("{\"id\": 9, \"x\": 1e400}"), false,
            "field 'x': expected a DOUBLE (within +-1.8e308), got 1e400"),
        new Bad("FLOAT out of range", key(10), utf8("{\"id\": 10, \"f\": 1e39}"), false,
            "field 'f': expected a FLOAT (within +-3.4e38), got 1e39"),
        new Bad("duplicate key", key(11), utf8("{\"id\": 11, \"id\": 12}"), false,
            "the value is not JSON: Duplicate field 'id'"),
        new Bad("a long string where a number belongs", key(12), utf8("{\"id\": \"" + "9".repeat(100_000) + "\"}"),
            false, "field 'id': expected a BIGINT, got \"" + "9".repeat(ColumnReader.DESCRIBED_CHARS) + "... (100000"),
        new Bad("value at the dead-letter limit", key(13), padded(KEPT_VALUE_BYTES), false,
            "the value is not JSON"),
        new Bad("value above the dead-letter limit", key(14), padded(OMITTED_VALUE_BYTES), false,
            "the value is not JSON"));

    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    records.add(new ProducerRecord<>(in, 0, key(100), utf8(
        "{\"id\": 100, \"n\": 2147483647, \"x\": 1.7e308, \"f\": 3.4e38, \"name\": \"at the limits\"}")));
    for (Bad record : bad) {
      RecordHeaders headers = new RecordHeaders();
      if (record.headers()) {
        headers.add("only", utf8("headers"));
      }
      records.add(new ProducerRecord<>(in, 0, record.key(), record.value(), headers));
    }
    records.add(new ProducerRecord<>(in, 0, key(101), utf8("{\"id\": 101, \"name\": \"after them all\"}")));
    KAFKA.sendRecords(records);

    SourcePlan source = jsonSource("catalogue", in, List.of(column("id", "BIGINT", true), column("n", "INT", false),
        column("x", "DOUBLE", false), column("f", "FLOAT", false), column("name", "STRING", false)), null);
    PipelinePlan plan = plan(KAFKA.bootstrapServers(), List.of(source), "SELECT id, n, x, f, name FROM catalogue",
        jsonSink(out), dead, DeliveryGuarantee.EXACTLY_ONCE);

    try (LocalPipeline run = LocalPipeline.start(cluster, plan, 1, null)) {
      List<ConsumerRecord<byte[], byte[]>> good = KAFKA.read(out, r -> r.size() >= 2, Duration.ofSeconds(1));
      assertThat(good).extracting(r -> JSON.readTree(r.value())).containsExactly(
          JSON.readTree("{\"id\": 100, \"n\": 2147483647, \"x\": 1.7e308, \"f\": 3.4e38, \"name\": \"at the limits\"}"),
          JSON.readTree("{\"id\": 101, \"n\": null, \"x\": null, \"f\": null, \"name\": \"after them all\"}"));

      List<ConsumerRecord<byte[], byte[]>> letters = KAFKA.read(dead, r -> r.size() >= bad.size(),
          Duration.ofSeconds(1));
      Map<String, String> errors = new LinkedHashMap<>();
      for (ConsumerRecord<byte[], byte[]> letter : letters) {
        int offset = Integer.parseInt(Kafka.header(letter, DeadLetterSerializer.SOURCE_OFFSET_HEADER));
        Bad expected = bad.get(offset - 1);
        errors.put(expected.name(), Kafka.header(letter, DeadLetterSerializer.ERROR_HEADER));
        assertThat(Kafka.header(letter, DeadLetterSerializer.ERROR_HEADER)).as(expected.name())
            .startsWith(expected.error());
        assertThat(letter.key()).as(expected.name() + ": key").isEqualTo(expected.key());
        assertThat(Kafka.header(letter, "only")).as(expected.name() + ": headers")
            .isEqualTo(expected.headers() ? "headers" : null);
        if (expected.value() != null && expected.value().length == OMITTED_VALUE_BYTES) {
          assertThat(letter.value()).as(expected.name() + ": value").isNull();
          assertThat(Kafka.header(letter, DeadLetterSerializer.OMITTED_HEADER))
              .isEqualTo("value (" + OMITTED_VALUE_BYTES + " bytes)");
        } else {
          assertThat(letter.value()).as(expected.name() + ": value").isEqualTo(expected.value());
          assertThat(Kafka.header(letter, DeadLetterSerializer.OMITTED_HEADER)).isNull();
        }
      }
      assertThat(errors.keySet()).as("dead letters").containsExactlyInAnyOrderElementsOf(
          bad.stream().map(Bad::name).toList());
      errors.forEach((name, error) -> LOG.info("Dead letter for {}: {}", name,
          error.length() > 160 ? error.substring(0, 160) + "..." : error));
      assertThat(run.status()).as("the job after the catalogue").isEqualTo(org.apache.flink.api.common.JobStatus.RUNNING);
    }
  }

  private static byte[] key(int i) {
    return utf8("key-" + i);
  }

  /** A value of exactly {@code size} bytes that is not JSON: an object cut short. */
  private static byte[] padded(int size) {
    byte[] value = new byte[size];
    Arrays.fill(value, (byte) 'x');
    byte[] start = utf8("{\"id\": 1, \"pad\": \"");
    System.arraycopy(start, 0, value, 0, start.length);
    return value;
  }

  private static byte[] bytes(String before, byte[] middle, String after) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(utf8(before));
    out.writeBytes(middle);
    out.writeBytes(utf8(after));
    return out.toByteArray();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
