package io.streampipeline.e2e.local;

import io.streampipeline.kafka.local.CommittedReader;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes lines to and reads committed records from the local broker's topics, as a client of the pipeline would. */
final class Topics {

  /** {@code bootstrap.servers} and, on a secured broker, what else a client needs (security, credentials). */
  private final Map<String, Object> clientConfig;

  Topics(String bootstrapServers) {
    this(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  Topics(Map<String, Object> clientConfig) {
    this.clientConfig = Map.copyOf(clientConfig);
  }

  void send(String topic, List<String> lines) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config,
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (String line : lines) {
        producer.send(new ProducerRecord<>(topic, null, line.getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
  }

  /**
   * Every record of {@code topic} a {@code read_committed} reader sees, once {@code assertion} passes on them and
   * has kept passing for {@code settle} (so that records written later, such as duplicates, would be seen); fails
   * with the assertion's message after two minutes.
   */
  List<ConsumerRecord<byte[], byte[]>> read(String topic, Consumer<List<ConsumerRecord<byte[], byte[]>>> assertion,
      Duration settle) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = CommittedReader.open(clientConfig, "e2e-reader", true, List.of(topic))) {
      var condition = await("committed records of " + topic).atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(50));
      if (!settle.isZero()) {
        condition = condition.during(settle);
      }
      condition.untilAsserted(() -> {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        assertion.accept(records);
      });
    }
    return records;
  }

  static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }
}
