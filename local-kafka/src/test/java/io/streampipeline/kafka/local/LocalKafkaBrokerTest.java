package io.streampipeline.kafka.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class LocalKafkaBrokerTest {

  @Test
  void committedTransactionIsReadAndAbortedOneIsNot() throws Exception {
    try (LocalKafkaBroker kafka = LocalKafkaBroker.start()) {
      kafka.createTopic("t", 2, Map.of());
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
          ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + UUID.randomUUID(),
          ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "900000"),
          new StringSerializer(), new StringSerializer())) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("t", "k", "aborted"));
        producer.abortTransaction();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("t", "k", "committed"));
        producer.commitTransaction();
      }
      assertThat(readCommitted(kafka, "t", 1)).containsExactly("committed");
    }
  }

  @Test
  void portInUseFailsWithClearMessage() {
    try (LocalKafkaBroker first = LocalKafkaBroker.start()) {
      assertThatThrownBy(() -> LocalKafkaBroker.start(first.port()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("port " + first.port() + " is already in use");
    }
  }

  @Test
  void closeDeletesTheLogDirectory() throws Exception {
    // This broker's own directory: other brokers on the machine (parallel builds) come and go in the same /tmp.
    LocalKafkaBroker broker = LocalKafkaBroker.start();
    Path logDir = broker.logDir();
    assertThat(logDir).isDirectory();
    broker.close();
    assertThat(logDir).doesNotExist();
  }

  private static List<String> readCommitted(LocalKafkaBroker kafka, String topic, int expected) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      List<String> values = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
      // One more poll: nothing beyond the expected records may follow.
      consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
      return values;
    }
  }
}
