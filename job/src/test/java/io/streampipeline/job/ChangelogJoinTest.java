package io.streampipeline.job;

import static io.streampipeline.job.Plans.column;
import static io.streampipeline.job.Plans.jsonSink;
import static io.streampipeline.job.Plans.plan;
import static io.streampipeline.job.Plans.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.model.Format;
import io.streampipeline.plan.ColumnPlan;
import io.streampipeline.plan.EventTimePlan;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.SourcePlan;
import io.streampipeline.plan.StartingOffsets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Upsert sources (a compacted topic read as the latest row per key, tombstones as deletes) joined with streams:
 * a regular join and the event-time versioned join. Outputs are compared with results computed here.
 */
class ChangelogJoinTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1)
      .setNumberSlotsPerTaskManager(2)
      .build());

  @RegisterExtension
  static final Kafka KAFKA = new Kafka();

  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * Yesterday at a full hour (UTC): the rates' record timestamps are their event time (a tombstone's is its
   * only one), and the broker's retention (7 days) would delete records of an older time under the test.
   */
  private static final LocalDateTime BASE = LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.HOURS)
      .minusDays(1);

  @Test
  void aRegularJoinFollowsTheUpdatesAndDeletesOfACompactedTopic(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    String customers = topic("customers");
    String orders = topic("orders");
    String revenue = topic("revenue");
    String dead = topic("customers-dead");
    KAFKA.createTopics(2, customers);
    KAFKA.createTopics(1, orders, revenue, dead);
    Map<Long, String> tiers = new HashMap<>();
    List<ProducerRecord<byte[], byte[]>> customerChanges = new ArrayList<>();
    for (long id = 1; id <= 6; id++) {
      String tier = id % 2 == 0 ? "gold" : "silver";
      customerChanges.add(customer(customers, id, tier));
      tiers.put(id, tier);
    }
    KAFKA.sendRecords(customerChanges);
    List<String> orderValues = new ArrayList<>();
    Map<Long, Long> spentPerCustomer = new HashMap<>();
    for (int i = 0; i < 60; i++) {
      long customer = 1 + i % 7; // customer 7 has no row yet: its orders join once it has one
      long amount = 10 + i;
      orderValues.add(JSON.createObjectNode().put("order_id", i).put("customer_id", customer).put("amount", amount)
          .toString());
      spentPerCustomer.merge(customer, amount, Long::sum);
    }
    KAFKA.send(orders, orderValues);
    // Updates (2 and 4 become platinum, 1 gold), deletes (3 and 5), a repeated row (6, no change),
    // a late insert (7), and records whose key cannot be read.
    List<ProducerRecord<byte[], byte[]>> later = List.of(customer(customers, 2, "platinum"),
        customer(customers, 4, "platinum"), customer(customers, 1, "gold"), tombstone(customers, 3),
        tombstone(customers, 5), customer(customers, 7, "silver"), customer(customers, 6, "gold"),
        new ProducerRecord<>(customers, 0, null, Kafka.utf8("{\"id\":8,\"tier\":\"gold\"}")),
        new ProducerRecord<>(customers, 0, Kafka.utf8("{\"id\":\"nine\"}"), Kafka.utf8("{\"tier\":\"gold\"}")),
        new ProducerRecord<>(customers, 0, Kafka.utf8("{\"name\":\"x\"}"), Kafka.utf8("{\"tier\":\"gold\"}")));
    tiers.putAll(Map.of(2L, "platinum", 4L, "platinum", 1L, "gold", 7L, "silver", 6L, "gold"));
    tiers.remove(3L);
    tiers.remove(5L);
    Map<String, Long> expected = new TreeMap<>();
    spentPerCustomer.forEach((customer, spent) -> {
      if (tiers.containsKey(customer)) {
        expected.merge(tiers.get(customer), spent, Long::sum);
      }
    });

    SourcePlan customerTable = new SourcePlan("customers", customers, Format.JSON,
        List.of(column("id", "BIGINT", false), column("tier", "STRING", true)),
        StartingOffsets.of(StartingOffsets.Mode.EARLIEST), null, List.of("id"));
    SourcePlan orderStream = new SourcePlan("orders", orders, Format.JSON, List.of(column("order_id", "BIGINT", true),
        column("customer_id", "BIGINT", true), column("amount", "BIGINT", true)),
        StartingOffsets.of(StartingOffsets.Mode.EARLIEST), null);
    PipelinePlan plan = plan(KAFKA.bootstrapServers(), List.of(orderStream, customerTable),
        "SELECT c.tier, SUM(o.amount) AS revenue FROM orders o JOIN customers c ON o.customer_id = c.id"
            + " GROUP BY c.tier", jsonSink(revenue, "tier"), dead, DeliveryGuarantee.EXACTLY_ONCE);

    try (LocalPipeline run = LocalPipeline.start(cluster, plan, 1, null)) {
      // The first results (before the updates) are in: the updates then change them.
      KAFKA.readUntil(revenue, r -> latest(r).size() == 2);
      KAFKA.sendRecords(later);
      assertThat(latest(KAFKA.read(revenue, r -> latest(r).equals(expected), Duration.ofSeconds(2))))
          .isEqualTo(expected);
      Map<String, String> errors = new TreeMap<>();
      for (ConsumerRecord<byte[], byte[]> letter : KAFKA.read(dead, r -> r.size() >= 3, Duration.ofSeconds(1))) {
        errors.put(String.valueOf(Kafka.text(letter.key())), Kafka.header(letter, DeadLetterSerializer.ERROR_HEADER));
      }
      Map<String, String> expectedErrors = new TreeMap<>();
      expectedErrors.put("null", "the record has no key; this upsert source's key is a JSON object of [id]");
      expectedErrors.put("{\"id\":\"nine\"}", "field 'id': expected a BIGINT, got \"nine\"");
      expectedErrors.put("{\"name\":\"x\"}", "key column 'id' is missing or null in the record key");
      assertThat(errors).isEqualTo(expectedErrors);
    }
  }

  @Test
  void theIdleTimeoutLetsAVersionedJoinProgressPastAQuietCompactedTopic(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    VersionedJoin join = new VersionedJoin(5_000);
    try (LocalPipeline run = LocalPipeline.start(cluster, join.plan, 1, null)) {
      assertThat(conversions(KAFKA.read(join.converted, r -> r.size() >= join.expected.size(),
          Duration.ofSeconds(2)))).isEqualTo(join.expected);
    }
  }

  @Test
  void withoutIdlenessAQuietCompactedTopicHoldsTheVersionedJoinBackAtItsLastVersion(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    VersionedJoin join = new VersionedJoin(0);
    try (LocalPipeline run = LocalPipeline.start(cluster, join.plan, 1, null)) {
      awaitConsumed(join.plan, join.orders);
      // The rates' watermark stays a second before their last version (USD at -40 min): the join goes no further.
      Map<Long, String> beforeLastVersion = join.expectedBefore(BASE.minusMinutes(40));
      assertThat(conversions(KAFKA.read(join.converted, r -> r.size() >= beforeLastVersion.size(),
          Duration.ofSeconds(5)))).isEqualTo(beforeLastVersion);
      // A new version moves the compacted side's watermark past every order: the join catches up at once.
      KAFKA.sendRecords(List.of(rate(join.rates, "CHF", 120, BASE.plusHours(1))));
      assertThat(conversions(KAFKA.read(join.converted, r -> r.size() >= join.expected.size(),
          Duration.ofSeconds(2)))).isEqualTo(join.expected);
    }
  }

  /**
   * Orders converted at the exchange rate valid at each order's time, from a compacted topic of rates that is
   * written once, before the orders, and then stays quiet: its watermark stays at its last version.
   */
  private static final class VersionedJoin {

    final String rates = topic("rates");
    final String orders = topic("orders");
    final String converted = topic("converted");
    final Map<Long, String> expected = new TreeMap<>();
    final Map<Long, LocalDateTime> orderTimes = new HashMap<>();
    final PipelinePlan plan;

    VersionedJoin(long ratesIdleTimeoutMs) {
      KAFKA.createTopics(1, rates, orders, converted);
      // Versions: USD changes at 9:20, GBP is deleted at 9:30 (its tombstone's record time), EUR never changes.
      KAFKA.sendRecords(List.of(rate(rates, "USD", 100, BASE.minusHours(1)),
          rate(rates, "EUR", 110, BASE.minusHours(1)),
          rate(rates, "GBP", 130, BASE.minusMinutes(50)),
          rate(rates, "USD", 105, BASE.minusMinutes(40)),
          new ProducerRecord<>(rates, 0, millis(BASE.minusMinutes(30)), Kafka.utf8("{\"currency\":\"GBP\"}"),
              (byte[]) null)));
      List<String> currencies = List.of("USD", "EUR", "GBP");
      List<String> orderValues = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        LocalDateTime ts = BASE.minusMinutes(55).plusMinutes(i);
        String currency = currencies.get(i % 3);
        long amount = 1 + i;
        orderValues.add(JSON.createObjectNode().put("order_id", i).put("currency", currency).put("amount", amount)
            .put("ts", ts.toString()).toString());
        orderTimes.put((long) i, ts);
        Long rate = rateAt(currency, ts);
        if (rate != null) {
          expected.put((long) i, amount * rate + "@" + rate);
        }
      }
      // Moves the orders' watermark past every order above; its own conversion waits.
      orderValues.add(JSON.createObjectNode().put("order_id", 1000).put("currency", "EUR").put("amount", 1)
          .put("ts", BASE.plusMinutes(30).toString()).toString());
      KAFKA.send(orders, orderValues);
      SourcePlan rateTable = new SourcePlan("rates", rates, Format.JSON,
          List.of(column("currency", "STRING", true), column("rate", "BIGINT", true),
              column("updated", "TIMESTAMP(3)", true)),
          StartingOffsets.of(StartingOffsets.Mode.EARLIEST), new EventTimePlan("updated", 1_000, ratesIdleTimeoutMs),
          List.of("currency"));
      List<ColumnPlan> orderColumns = List.of(column("order_id", "BIGINT", true), column("currency", "STRING", true),
          column("amount", "BIGINT", true), column("ts", "TIMESTAMP(3)", true));
      SourcePlan orderStream = new SourcePlan("orders", orders, Format.JSON, orderColumns,
          StartingOffsets.of(StartingOffsets.Mode.EARLIEST), new EventTimePlan("ts", 1_000, 0));
      plan = plan(KAFKA.bootstrapServers(), List.of(orderStream, rateTable),
          "SELECT o.order_id, o.amount * r.rate AS converted, r.rate FROM orders o"
              + " JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.currency = r.currency",
          jsonSink(converted), null, DeliveryGuarantee.AT_LEAST_ONCE);
    }

    /** The expected conversions of the orders placed before {@code time}. */
    Map<Long, String> expectedBefore(LocalDateTime time) {
      Map<Long, String> before = new TreeMap<>(expected);
      before.keySet().removeIf(order -> !orderTimes.get(order).isBefore(time));
      return before;
    }

    /** The versions written above: the rate valid at {@code ts}, or null when there is none. */
    private static Long rateAt(String currency, LocalDateTime ts) {
      return switch (currency) {
        case "USD" -> ts.isBefore(BASE.minusMinutes(40)) ? 100L : 105L;
        case "EUR" -> 110L;
        default -> !ts.isBefore(BASE.minusMinutes(50)) && ts.isBefore(BASE.minusMinutes(30)) ? 130L : null;
      };
    }
  }

  /** Waits until the job's consumer group has committed the end of {@code topic}: the job has read all of it. */
  private static void awaitConsumed(PipelinePlan plan, String topic) {
    Admin admin = KAFKA.broker().admin();
    TopicPartition partition = new TopicPartition(topic, 0);
    await("job has read " + topic).atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200)).until(() -> {
          long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get()
              .offset();
          OffsetAndMetadata committed = admin.listConsumerGroupOffsets(plan.consumerGroup())
              .partitionsToOffsetAndMetadata().get().get(partition);
          return committed != null && committed.offset() >= end;
        });
  }

  /** The sink's conversions as {@code order_id -> converted@rate}; an order written twice fails the test. */
  private static Map<Long, String> conversions(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<Long, String> actual = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      JsonNode row = json(record.value());
      String previous = actual.put(row.get("order_id").asLong(),
          row.get("converted").asLong() + "@" + row.get("rate").asLong());
      assertThat(previous).as("order written twice: %s", row).isNull();
    }
    return actual;
  }

  private static ProducerRecord<byte[], byte[]> rate(String topic, String currency, long rate, LocalDateTime updated) {
    return new ProducerRecord<>(topic, 0, millis(updated), Kafka.utf8("{\"currency\":\"" + currency + "\"}"),
        Kafka.utf8(JSON.createObjectNode().put("currency", currency).put("rate", rate)
            .put("updated", updated.toString()).toString()));
  }

  private static long millis(LocalDateTime time) {
    return time.toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  /** The latest value per key of an upsert topic, a tombstone removing its key: what a compacted topic keeps. */
  private static Map<String, Long> latest(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<String, Long> latest = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      String tier = json(record.key()).get("tier").asText();
      if (record.value() == null) {
        latest.remove(tier);
      } else {
        latest.put(tier, json(record.value()).get("revenue").asLong());
      }
    }
    return latest;
  }

  private static ProducerRecord<byte[], byte[]> customer(String topic, long id, String tier) {
    return new ProducerRecord<>(topic, null, Kafka.utf8("{\"id\":" + id + "}"),
        Kafka.utf8(JSON.createObjectNode().put("id", id).put("tier", tier).toString()));
  }

  private static ProducerRecord<byte[], byte[]> tombstone(String topic, long id) {
    return new ProducerRecord<>(topic, null, Kafka.utf8("{\"id\":" + id + "}"), null);
  }

  private static JsonNode json(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
