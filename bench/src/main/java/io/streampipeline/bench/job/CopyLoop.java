package io.streampipeline.bench.job;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The baseline: a plain consumer that hands every record to a producer, bytes unchanged, on one thread. The
 * producer has the same batching as the job's sink. At-least-once, it just sends. Exactly-once, it is Kafka's own
 * consume-transform-produce loop: a transactional producer, the consumed offsets sent to the transaction, one
 * commit per {@code commitIntervalMs} (the job's checkpoint interval, at which the job commits its transactions).
 */
final class CopyLoop implements Runnable {

  private final String bootstrapServers;
  private final String from;
  private final String to;
  private final long commitIntervalMs;
  private final AtomicBoolean running = new AtomicBoolean(true);

  /** @param commitIntervalMs 0 for at-least-once; otherwise the interval between transaction commits */
  CopyLoop(String bootstrapServers, String from, String to, long commitIntervalMs) {
    this.bootstrapServers = bootstrapServers;
    this.from = from;
    this.to = to;
    this.commitIntervalMs = commitIntervalMs;
  }

  void stop() {
    running.set(false);
  }

  @Override
  public void run() {
    Map<String, Object> producerConfig = new HashMap<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.LINGER_MS_CONFIG, "5",
        ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(64 * 1024)));
    if (commitIntervalMs > 0) {
      producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "copy-" + UUID.randomUUID());
    }
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ConsumerConfig.GROUP_ID_CONFIG, "copy-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, Boolean.toString(commitIntervalMs == 0),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
            new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig,
            new ByteArraySerializer(), new ByteArraySerializer())) {
      consumer.subscribe(List.of(from));
      if (commitIntervalMs > 0) {
        producer.initTransactions();
        producer.beginTransaction();
      }
      Map<TopicPartition, OffsetAndMetadata> consumed = new HashMap<>();
      long lastCommit = System.currentTimeMillis();
      while (running.get()) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
        for (ConsumerRecord<byte[], byte[]> record : records) {
          producer.send(new ProducerRecord<>(to, record.key(), record.value()));
          consumed.put(new TopicPartition(record.topic(), record.partition()),
              new OffsetAndMetadata(record.offset() + 1));
        }
        if (commitIntervalMs > 0 && System.currentTimeMillis() - lastCommit >= commitIntervalMs) {
          producer.sendOffsetsToTransaction(consumed, consumer.groupMetadata());
          producer.commitTransaction();
          producer.beginTransaction();
          consumed.clear();
          lastCommit = System.currentTimeMillis();
        }
      }
      if (commitIntervalMs > 0) {
        producer.abortTransaction();
      }
      producer.flush();
    }
  }
}
