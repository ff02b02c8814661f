package io.streampipeline.job;

import io.streampipeline.kafka.local.CommittedReader;
import static org.awaitility.Awaitility.await;

import io.streampipeline.kafka.local.LocalKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A local broker for one test class (register as a static {@code @RegisterExtension} field; it starts before the
 * class's tests and is closed after them), with helpers that write test input to it and read job output from it.
 */
final class Kafka implements BeforeAllCallback, AfterAllCallback {

  private final boolean secured;
  private LocalKafkaBroker broker;

  Kafka() {
    this(false);
  }

  private Kafka(boolean secured) {
    this.secured = secured;
  }

  /** A secured broker ({@link LocalKafkaBroker#startSecured()}); the helpers write and read as its super user. */
  static Kafka secured() {
    return new Kafka(true);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    broker = secured ? LocalKafkaBroker.startSecured() : LocalKafkaBroker.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    broker.close();
  }

  LocalKafkaBroker broker() {
    return broker;
  }

  String bootstrapServers() {
    return broker.bootstrapServers();
  }

  void createTopics(int partitions, String... topics) {
    for (String topic : topics) {
      broker.createTopic(topic, partitions, Map.of());
    }
  }

  void send(String topic, List<String> values) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (String value : values) {
      records.add(new ProducerRecord<>(topic, null, utf8(value)));
    }
    sendRecords(records);
  }

  void sendRecords(List<ProducerRecord<byte[], byte[]>> records) {
    Map<String, Object> config = new HashMap<>(broker.superUserClientConfig());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<byte[], byte[]> record : records) {
        producer.send(record);
      }
      producer.flush();
    }
  }

  /** Every record of {@code topic} a read_committed reader sees, once {@code complete} holds for them. */
  List<ConsumerRecord<byte[], byte[]>> readUntil(String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> complete) {
    return read(topic, complete, Duration.ZERO);
  }

  /**
   * Every committed record of {@code topic}, once {@code complete} holds and has kept holding for
   * {@code settle} (so that duplicates written later would be seen).
   */
  List<ConsumerRecord<byte[], byte[]>> read(String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> complete,
      Duration settle) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        CommittedReader.open(broker.superUserClientConfig(), "test-reader", true, List.of(topic))) {
      var condition = await("records of " + topic).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50));
      if (!settle.isZero()) {
        condition = condition.during(settle);
      }
      condition.until(() -> {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        return complete.test(records);
      });
    }
    return records;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    var header = record.headers().lastHeader(key);
    return header == null ? null : text(header.value());
  }
}
