package io.streampipeline.bench.job;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The benchmark's input: JSON events of about 200 bytes, each carrying its creation time in {@code ts}
 * (epoch ms) so that end-to-end latency can be read off the output. The job's query keeps events with
 * {@code amount >= 10} (about 90%) and projects four of their eight fields.
 */
final class Workload {

  static final String SQL = "SELECT id, ts, user_id, amount FROM events WHERE amount >= 10";

  private static final String[] COUNTRIES = {"DE", "FR", "NL", "PL", "ES", "IT", "SE", "PT"};
  private static final String NOTE = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod";

  private final SplittableRandom random = new SplittableRandom(42);
  private long kept;
  private long made;
  private long bytes;

  /** Records the query keeps among those made so far. */
  long kept() {
    return kept;
  }

  double averageSize() {
    return made == 0 ? 0 : (double) bytes / made;
  }

  byte[] next(long id, long createdAt) {
    double amount = random.nextInt(0, 10_000) / 100.0;
    if (amount >= 10) {
      kept++;
    }
    String json = "{\"id\":" + id + ",\"ts\":" + createdAt + ",\"user_id\":\"user-" + random.nextInt(100_000)
        + "\",\"country\":\"" + COUNTRIES[random.nextInt(COUNTRIES.length)] + "\",\"amount\":" + amount
        + ",\"paid\":" + random.nextBoolean() + ",\"session\":\"" + Long.toHexString(random.nextLong())
        + "\",\"note\":\"" + NOTE + "\"}";
    byte[] value = json.getBytes(StandardCharsets.UTF_8);
    made++;
    bytes += value.length;
    return value;
  }

  static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.LINGER_MS_CONFIG, "5",
        ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(64 * 1024)),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Writes {@code count} events to {@code topic} as fast as the broker takes them. */
  void load(String bootstrapServers, String topic, long count) {
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrapServers)) {
      for (long id = 0; id < count; id++) {
        producer.send(new ProducerRecord<>(topic, next(id, System.currentTimeMillis())));
      }
      producer.flush();
    }
  }
}
