package io.streampipeline.bench.job;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads an output topic as a read_committed consumer: when its records became visible, and how late. */
final class OutputWatch implements AutoCloseable {

  private static final Pattern TS = Pattern.compile("\"ts\":(\\d+)");

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<TopicPartition> partitions;

  OutputWatch(String bootstrapServers, String topic) {
    consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "watch-" + UUID.randomUUID(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Visible (committed) records in the topic: the sum of last stable offsets. */
  long visible() {
    return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
  }

  /** Polls every 10 ms until {@code expected} records are visible; returns the wall-clock time they were. */
  long awaitVisible(long expected, Duration timeout) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (visible() < expected) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("only " + visible() + " of " + expected + " records visible after " + timeout);
      }
      Thread.sleep(10);
    }
    return System.currentTimeMillis();
  }

  /** The log-append time of the earliest output record: when the copy or the job wrote its first. */
  long firstAppendTime() {
    long first = Long.MAX_VALUE;
    for (TopicPartition partition : partitions) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.currentTimeMillis() + 30_000;
      ConsumerRecords<byte[], byte[]> records = ConsumerRecords.empty();
      while (records.isEmpty() && System.currentTimeMillis() < deadline) {
        records = consumer.poll(Duration.ofMillis(100));
      }
      if (!records.isEmpty()) {
        first = Math.min(first, records.iterator().next().timestamp());
      }
    }
    consumer.assign(partitions);
    return first;
  }

  /**
   * Reads the output of an upsert stream from the beginning until the latest {@code valueField} of every
   * {@code keyField} in it equals {@code expected} (tombstones are skipped: counts are never deleted), and returns
   * the wall-clock time when it did. Both fields are read off the JSON value.
   */
  long awaitLatest(String keyField, String valueField, Map<String, Long> expected, Duration timeout) {
    Pattern key = Pattern.compile("\"" + keyField + "\":\"([^\"]*)\"");
    Pattern value = Pattern.compile("\"" + valueField + "\":(\\d+)");
    Map<String, Long> latest = new java.util.HashMap<>();
    int matching = 0;
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (matching < expected.size()) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(matching + " of " + expected.size() + " keys final after " + timeout);
      }
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(10))) {
        if (record.value() == null) {
          continue;
        }
        String json = new String(record.value(), java.nio.charset.StandardCharsets.UTF_8);
        Matcher k = key.matcher(json);
        Matcher v = value.matcher(json);
        if (!k.find() || !v.find()) {
          throw new IllegalStateException("output record without " + keyField + "/" + valueField + ": " + json);
        }
        Long want = expected.get(k.group(1));
        Long before = latest.put(k.group(1), Long.parseLong(v.group(1)));
        matching += (want != null && want.equals(latest.get(k.group(1))) ? 1 : 0)
            - (want != null && want.equals(before) ? 1 : 0);
      }
    }
    return System.currentTimeMillis();
  }

  /** Reads {@code count} records from now on, returning for each how long after its {@code ts} it was seen. */
  long[] latenciesMs(int count, Duration timeout) {
    consumer.seekToEnd(partitions);
    long[] latencies = new long[count];
    int seen = 0;
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (seen < count && System.currentTimeMillis() < deadline) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
        long now = System.currentTimeMillis();
        Matcher ts = TS.matcher(new String(record.value(), java.nio.charset.StandardCharsets.UTF_8));
        if (ts.find() && seen < count) {
          latencies[seen++] = now - Long.parseLong(ts.group(1));
        }
      }
    }
    long[] result = Arrays.copyOf(latencies, seen);
    Arrays.sort(result);
    return result;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
