package io.streampipeline.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streampipeline.kafka.local.CommittedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Temperature readings for fault tests: a producer that keeps writing them while brokers die (what it was told
 * succeeded is kept, to check the broker against it), and a {@code read_committed} reader of the job's output that
 * counts each id's copies and checks each record's content (the query is {@link #SQL}).
 */
final class Readings {

  static final String SQL = "SELECT id, celsius * 9 / 5 + 32 AS fahrenheit FROM readings";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Readings() {}

  static String reading(long id) {
    return JSON.createObjectNode().put("id", id).put("celsius", celsius(id)).toString();
  }

  static double celsius(long id) {
    return (id % 400) / 10.0 - 10;
  }

  static long id(byte[] value) {
    return json(value).get("id").asLong();
  }

  static JsonNode json(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes readings with ids 0, 1, 2, ... in batches until closed, riding out broker restarts. */
  static final class Load implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicLong failed = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopped;
    private long next;

    Load(String bootstrapServers, String topic, int perSecond) {
      this.topic = topic;
      this.producer = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
          ProducerConfig.ACKS_CONFIG, "all",
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
          ProducerConfig.LINGER_MS_CONFIG, "5",
          // Long enough to ride out a broker restart on a loaded machine.
          ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000",
          ProducerConfig.MAX_BLOCK_MS_CONFIG, "300000"),
          new ByteArraySerializer(), new ByteArraySerializer());
      this.thread = new Thread(() -> run(perSecond / 10), "readings-load");
      thread.start();
    }

    private void run(int perTick) {
      while (!stopped) {
        for (int i = 0; i < perTick; i++) {
          long id = next++;
          producer.send(new ProducerRecord<>(topic, Kafka.utf8(reading(id))), (metadata, error) -> {
            if (error == null) {
              acknowledged.add(id);
            } else {
              failed.incrementAndGet();
            }
          });
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    /** Stops writing and waits for every record sent to be acknowledged or to fail. */
    void stop() throws InterruptedException {
      stopped = true;
      thread.join();
      producer.flush();
    }

    /** The ids the broker acknowledged. */
    Set<Long> acknowledged() {
      return acknowledged;
    }

    long failed() {
      return failed.get();
    }

    @Override
    public void close() throws InterruptedException {
      stop();
      producer.close(Duration.ofSeconds(5));
    }
  }

  /** A read_committed reader of a topic of readings or of the job's output, polled by the test thread. */
  static final class Reader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<Long, Long> copies = new HashMap<>();
    private long records;

    Reader(String bootstrapServers, String topic) {
      this.consumer = CommittedReader.open(bootstrapServers, "fault-reader", true, List.of(topic));
    }

    /** Reads what is there now; checks each output record's content when {@code output}. */
    Reader poll(boolean output) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
        JsonNode value = json(record.value());
        long id = value.get("id").asLong();
        if (output) {
          assertThat(value.get("fahrenheit").asDouble()).as("fahrenheit of id %d", id)
              .isCloseTo(celsius(id) * 9 / 5 + 32, org.assertj.core.data.Offset.offset(1e-9));
        }
        copies.merge(id, 1L, Long::sum);
        records++;
      }
      return this;
    }

    /** Polls until every one of {@code ids} was read and nothing new came for {@code settle}, then returns copies. */
    Map<Long, Long> awaitAll(Set<Long> ids, boolean output, Duration settle) {
      await("all " + ids.size() + " ids").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ZERO)
          .until(() -> poll(output).copies.keySet().containsAll(ids));
      return settle(output, settle);
    }

    /** Polls until nothing new came for {@code settle}, then returns how many times each id was read. */
    Map<Long, Long> settle(boolean output, Duration settle) {
      await("no more records").atMost(settle.multipliedBy(10)).pollInterval(Duration.ZERO).during(settle)
          .until(() -> {
            long before = records;
            return poll(output).records == before;
          });
      return copies;
    }

    long records() {
      return records;
    }

    Map<Long, Long> copies() {
      return copies;
    }

    @Override
    public void close() {
      consumer.close(Duration.ofSeconds(5));
    }
  }
}
